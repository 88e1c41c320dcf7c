cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs: []
outputs: []
baseCommand: printf
