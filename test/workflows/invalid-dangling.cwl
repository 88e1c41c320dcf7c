cwlVersion: v1.2
class: Workflow
inputs:
  message: string
outputs:
  out:
    type: File
    outputSource: write/out
steps:
  write:
    run: ../../workflows/examples/two-step/echo.cwl
    in:
      message: mesage
    out: [out]
