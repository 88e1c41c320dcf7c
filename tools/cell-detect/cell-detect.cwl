#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: cell-detect
doc: |
  Greedy spherical template matching on a cell probability map (Dyer et al. 2017; xbrain
  cell_detect), with the original's parameters and defaults. Writes the detections as JSON
  ({"detections": [{z, y, x, score, label}], "shape": [Z, Y, X]}) and optionally the cells as a
  uint32 label volume. Prints `cells: N`, `last_score: s`, `detect_seconds: t`.
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
    dockerPull: saber/tool-cell-detect:0.1.0
  ResourceRequirement:
    coresMin: 1
    ramMin: 4000
  saber:
    parse_metrics: true
inputs:
  program:
    type: File
    default:
      class: File
      location: dist/bundle.js
    inputBinding: {position: 0}
    doc: the cell-detect program (default dist/bundle.js, made by npm run build)
  input:
    type: File
    inputBinding: {prefix: --input, position: 1}
    doc: cell probability volume, (Z, Y, X) or (C, Z, Y, X) (.npy, .h5, .tif...); uint8 holds probabilities x 255 (pixel-classifier dtype uint8)
  channel:
    type: int?
    inputBinding: {prefix: --channel, position: 2}
    doc: channel of a (C, Z, Y, X) input (xbrain --cell-index)
  output_name:
    type: string
    default: cells.json
    inputBinding: {prefix: --output, position: 3}
  map_name:
    type: string?
    inputBinding: {prefix: --map, position: 4}
    doc: also write the cells as a label volume with this name (e.g. cell_map.npy)
  threshold:
    type: float
    default: 0.2
    inputBinding: {prefix: --threshold, position: 5}
  stop:
    type: float
    default: 0.47
    inputBinding: {prefix: --stop, position: 6}
  initial_template_size:
    type: int
    default: 18
    inputBinding: {prefix: --initial-template-size, position: 7}
  dilation:
    type: int
    default: 8
    inputBinding: {prefix: --dilation, position: 8}
  max_cells:
    type: int
    default: 500
    inputBinding: {prefix: --max-cells, position: 9}
  frame:
    type: string?
    inputBinding: {prefix: --frame, position: 10}
    doc: "'halo' when the input is a block read with its halo (for the merger)"
outputs:
  cells:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
  cell_map:
    type: File?
    outputBinding: {glob: $(inputs.map_name)}
