cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  f: File
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    scatter: i
    in: {i: f}
    out: [o]
