cwlVersion: v1.2
class: Workflow
requirements:
  MultipleInputFeatureRequirement: {}
inputs:
  a: File
  b: File
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in:
      i:
        source: [a, b]
        linkMerge: merge_flat
    out: [o]
