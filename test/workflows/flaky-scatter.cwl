cwlVersion: v1.2
class: Workflow
doc: One flaky tool (fails once with a temporary-failure code) per element of `markers`.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  markers: string[]
outputs:
  outs:
    type: File[]
    outputSource: flaky/out
steps:
  flaky:
    run: flaky.cwl
    scatter: marker
    in:
      marker: markers
    out: [out]
