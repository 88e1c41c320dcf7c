cwlVersion: v1.2
class: Workflow
inputs:
  f: File
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in: {i: f}
    out: [out]
