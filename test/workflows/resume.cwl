cwlVersion: v1.2
class: Workflow
doc: |
  Step `produce` appends a line to the file `counter` each time it runs (so tests can
  count its executions) and writes one file per item; step `check` fails until the
  file `fix` exists. A re-run after the fix must reuse `produce` from the step cache.
requirements:
  ScatterFeatureRequirement: {}
inputs:
  items: int[]
  counter: string
  fix: string
outputs:
  results:
    type: File[]
    outputSource: check/out
steps:
  produce:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo run >> "$0"; echo "item $1" > item.txt']
      inputs:
        counter: { type: string, inputBinding: { position: 1 } }
        item: { type: int, inputBinding: { position: 2 } }
      outputs:
        file: { type: File, outputBinding: { glob: item.txt } }
    scatter: item
    in: { counter: counter, item: items }
    out: [file]
  check:
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'if [ -e "$0" ]; then cat "$1" > out.txt; else echo "not fixed yet" >&2; exit 2; fi']
      inputs:
        fix: { type: string, inputBinding: { position: 1 } }
        file: { type: File, inputBinding: { position: 2 } }
      outputs:
        out: { type: File, outputBinding: { glob: out.txt } }
    scatter: file
    in: { fix: fix, file: produce/file }
    out: [out]
