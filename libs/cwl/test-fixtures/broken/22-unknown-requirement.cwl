cwlVersion: v1.2
class: CommandLineTool
requirements:
  - class: InlineJavascriptRequirment
baseCommand: echo
inputs: []
outputs: []
