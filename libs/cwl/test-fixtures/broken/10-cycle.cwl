cwlVersion: v1.2
class: Workflow
inputs: []
outputs: []
steps:
  first:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in: {i: second/o}
    out: [o]
  second:
    run: {class: ExpressionTool, inputs: {i: File}, outputs: {o: File}, expression: "${return {o: inputs.i};}"}
    in: {i: first/o}
    out: [o]
