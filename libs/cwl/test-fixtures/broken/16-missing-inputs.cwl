cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
outputs: []
