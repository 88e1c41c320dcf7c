#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
label: two-step example
doc: |
  Counts the words of a message in two steps: `echo` writes the message to a file,
  `wc` counts its words. The two `echo` steps of the scatter run in parallel.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  messages: string[]
outputs:
  files:
    type: File[]
    outputSource: write/out
  counts:
    type: File[]
    outputSource: count/out
steps:
  write:
    run: echo.cwl
    scatter: message
    in:
      message: messages
    out: [out]
  count:
    run: wc.cwl
    scatter: file
    in:
      file: write/out
    out: [out]
