cwlVersion: v1.2
class: Workflow
inputs: []
outputs: []
steps:
  align:
    run: tools/no-such-tool.cwl
    in: []
    out: []
