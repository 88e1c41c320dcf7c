#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: cell-score
doc: |
  Centroid F1 of detected cells against ground truth (Dyer et al. 2017; xbrain f1_centroid3D),
  and optionally the vessel Dice. Prints `F1: x` (the step's score), `precision`, `recall`,
  `matched`, `predicted`, `truth`, `vessel_dice`.
  Runs the program with node: `program` defaults to dist/bundle.js, the compiled program in one
  file with the @saber libraries it imports (npm run build makes it).
baseCommand: [node]
requirements:
  # glibc 2.35+ backs large allocations with transparent huge pages (madvise): the tools fill
  # tens of MB of fresh arrays, and a fresh 4 KiB page costs about 11 µs to fault on a VM.
  # Other C libraries ignore the variable.
  EnvVarRequirement:
    envDef:
      GLIBC_TUNABLES: glibc.malloc.hugetlb=1
hints:
  DockerRequirement:
    dockerPull: saber/tool-cell-score:0.1.0
  ResourceRequirement:
    coresMin: 1
    ramMin: 2000
  saber:
    score_format: 'F1: {score}'
    parse_metrics: true
inputs:
  program:
    type: File
    default:
      class: File
      location: dist/bundle.js
    inputBinding: {position: 0}
    doc: the cell-score program (default dist/bundle.js, made by npm run build)
  detections:
    type: File
    inputBinding: {prefix: --detections, position: 1}
  truth:
    type: File
    inputBinding: {prefix: --truth, position: 2}
    doc: true cells (JSON/CSV points) or a cell label volume
  template_size:
    type: float?
    inputBinding: {prefix: --template-size, position: 3}
    doc: border margin and matching distance (default the detections file's template size, else 18)
  vessels:
    type: File?
    inputBinding: {prefix: --vessels, position: 4}
  vessel_truth:
    type: File?
    inputBinding: {prefix: --vessel-truth, position: 5}
  output_name:
    type: string
    default: scores.json
    inputBinding: {prefix: --output, position: 6}
outputs:
  scores:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
