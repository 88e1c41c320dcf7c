cwlVersion: v1.3
class: CommandLineTool
baseCommand: echo
inputs: []
outputs: []
