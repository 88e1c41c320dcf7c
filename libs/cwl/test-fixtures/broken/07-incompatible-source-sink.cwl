cwlVersion: v1.2
class: Workflow
inputs:
  count: int
outputs: []
steps:
  copy:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in:
      i: {source: count}
    out: [o]
