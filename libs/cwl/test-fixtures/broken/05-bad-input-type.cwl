cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
inputs:
  message:
    type: strng
    inputBinding: {position: 1}
outputs: []
