cwlVersion: v1.2
class: CommandLineTol
baseCommand: echo
inputs: []
outputs: []
