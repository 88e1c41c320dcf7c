cwlVersion: v1.2
class: CommandLineTool
baseCommand: echo
requirements:
  - $import: no-such-requirements.yml
inputs: []
outputs: []
