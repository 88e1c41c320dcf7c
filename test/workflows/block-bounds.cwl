cwlVersion: v1.2
class: CommandLineTool
doc: |
  A block task for sweep tests: sleeps `seconds`, then prints its block key
  (z<zmin>-<zmax>_y<ymin>-<ymax>_x<xmin>-<xmax>) and `tag`. The block whose key equals
  `fail_at` fails once with exit code 1 (a permanent failure, so its run fails and the
  blocker retries the block), leaving a marker in `marker_dir` so that the retry
  succeeds; when the marker cannot be written it fails every time.
baseCommand:
  - sh
  - -c
  - 'sleep "$0"; key="z$1-$2_y$3-$4_x$5-$6"; if [ "$key" = "$7" ] && [ ! -e "$8/$key" ]; then touch "$8/$key"; echo "block $key: flaky failure" >&2; exit 1; fi; echo "$key $9"'
inputs:
  seconds: { type: int, default: 0, inputBinding: { position: 1 } }
  zmin: { type: int, inputBinding: { position: 2 } }
  zmax: { type: int, inputBinding: { position: 3 } }
  ymin: { type: int, inputBinding: { position: 4 } }
  ymax: { type: int, inputBinding: { position: 5 } }
  xmin: { type: int, inputBinding: { position: 6 } }
  xmax: { type: int, inputBinding: { position: 7 } }
  fail_at: { type: string, default: none, inputBinding: { position: 8 } }
  marker_dir: { type: string, default: /nonexistent, inputBinding: { position: 9 } }
  tag: { type: string, default: '-', inputBinding: { position: 10 } }
stdout: block.txt
outputs:
  out: stdout
