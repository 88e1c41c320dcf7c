cwlVersion: v1.2
class: Workflow
doc: Tasks that each sleep `seconds`, one per element of `items`.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  items: int[]
  seconds: float
outputs:
  codes:
    type: int[]
    outputSource: nap/code
steps:
  nap:
    run:
      class: CommandLineTool
      baseCommand: sleep
      inputs:
        item: int
        seconds:
          type: float
          inputBinding: { position: 1 }
      outputs:
        code:
          type: int
          outputBinding:
            outputEval: $(inputs.item)
    scatter: item
    in:
      item: items
      seconds: seconds
    out: [code]
