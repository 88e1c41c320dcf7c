cwlVersion: v1.2
$graph:
  - id: tool
    class: CommandLineTool
    baseCommand: echo
    inputs: []
    outputs: []
  - id: mian
    class: Workflow
    inputs: []
    outputs: []
    steps: []
