cwlVersion: v1.2
class: CommandLineTool
doc: |
  A trial for optimizer tests: sleeps `seconds`, then prints `score: <f>` with
  f(x, n) = -(x - 0.3)^2 - ((n - 3) / 10)^2 (the maximum, 0, at x = 0.3 and n = 3).
  The score_format hint turns the last such line into the metric `main.score`.
hints:
  saber:
    score_format: 'score: {score}'
baseCommand:
  - sh
  - -c
  - 'sleep "$0"; awk -v x="$1" -v n="$2" "BEGIN { printf \"progress: 1\nscore: %.6f\n\", -(x - 0.3) ^ 2 - ((n - 3) / 10) ^ 2 }"'
inputs:
  seconds: { type: float, default: 0, inputBinding: { position: 1 } }
  x: { type: float, inputBinding: { position: 2 } }
  n: { type: int, default: 3, inputBinding: { position: 3 } }
stdout: score.txt
outputs:
  out: stdout
