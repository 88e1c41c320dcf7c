cwlVersion: v1.2
class: Workflow
doc: A fan-out of a no-op tool, one task per element of `items`.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  items: int[]
outputs:
  codes:
    type: int[]
    outputSource: noop/code
steps:
  noop:
    run:
      class: CommandLineTool
      baseCommand: "true"
      inputs:
        item: int
      outputs:
        code:
          type: int
          outputBinding:
            outputEval: $(inputs.item)
    scatter: item
    in:
      item: items
    out: [code]
