cwlVersion: v1.0
class: Workflow
inputs:
  f: File
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    when: $(inputs.i !== null)
    in: {i: f}
    out: [o]
