cwlVersion: v1.2
class: CommandLineTool
doc: |
  A block trial for optimizer tests: prints `score: <t * (xmin + 10) / 40>` for its
  block (xmin 0, 10, 20 → t/4, t/2, 3t/4), so a trial's mean over the blocks is t/2.
hints:
  saber:
    score_format: 'score: {score}'
baseCommand:
  - sh
  - -c
  - 'awk -v t="$0" -v x="$1" "BEGIN { printf \"score: %.6f\n\", t * (x + 10) / 40 }"'
inputs:
  t: { type: float, inputBinding: { position: 1 } }
  xmin: { type: int, inputBinding: { position: 2 } }
  xmax: { type: int, inputBinding: { position: 3 } }
  ymin: { type: int, default: 0 }
  ymax: { type: int, default: 0 }
  zmin: { type: int, default: 0 }
  zmax: { type: int, default: 0 }
stdout: block-score.txt
outputs:
  out: stdout
