cwlVersion: v1.2
class: Workflow
doc: |
  A stand-in for the original SABER xbrain merge_test workflow, with its step names
  and wiring (boss_pull -> cell_detect -> boss_merge; block bounds into boss_pull and
  boss_merge, the template size into cell_detect), each step a one-line shell tool.
  Run with test/sweeps/merge-test.yml: 8 blocks x 5 template sizes.
inputs:
  xmin: int?
  xmax: int?
  ymin: int?
  ymax: int?
  zmin: int?
  zmax: int?
  padding: int?
  initial_template_size: int?
outputs:
  merged:
    type: File
    outputSource: boss_merge/out
steps:
  boss_pull:
    in: { xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax, zmin: zmin, zmax: zmax, padding: padding }
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo "pull z$4-$5 y$2-$3 x$0-$1 pad$6"']
      inputs:
        xmin: { type: int, inputBinding: { position: 1 } }
        xmax: { type: int, inputBinding: { position: 2 } }
        ymin: { type: int, inputBinding: { position: 3 } }
        ymax: { type: int, inputBinding: { position: 4 } }
        zmin: { type: int, inputBinding: { position: 5 } }
        zmax: { type: int, inputBinding: { position: 6 } }
        padding: { type: int, default: 0, inputBinding: { position: 7 } }
      stdout: pull.txt
      outputs: { out: stdout }
  cell_detect:
    in: { input: boss_pull/out, initial_template_size: initial_template_size }
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo "$(cat "$0") t$1"']
      inputs:
        input: { type: File, inputBinding: { position: 1 } }
        initial_template_size: { type: int, default: 18, inputBinding: { position: 2 } }
      stdout: detect.txt
      outputs: { out: stdout }
  boss_merge:
    in: { input: cell_detect/out, xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax, zmin: zmin, zmax: zmax }
    out: [out]
    run:
      class: CommandLineTool
      baseCommand: [sh, -c, 'echo "$(cat "$0") merged x$1-$2"']
      inputs:
        input: { type: File, inputBinding: { position: 1 } }
        xmin: { type: int, inputBinding: { position: 2 } }
        xmax: { type: int, inputBinding: { position: 3 } }
        ymin: { type: int }
        ymax: { type: int }
        zmin: { type: int }
        zmax: { type: int }
      stdout: merged.txt
      outputs: { out: stdout }
