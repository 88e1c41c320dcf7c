cwlVersion: v1.2
class: Workflow
requirements:
  ScatterFeatureRequirement: {}
inputs:
  files: File[]
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    scatter: [i]
    scatterMethod: dot_product
    in: {i: files}
    out: [o]
