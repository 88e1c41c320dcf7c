cwlVersion: v1.2
class: Workflow
inputs:
  reads: File
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in:
      i: raeds
    out: [o]
