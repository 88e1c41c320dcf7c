#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: xrm-synth
doc: |
  A synthetic X-ray microtomography volume with ground truth, deterministic from the seed: cells
  (blurred ellipsoids of varying size and contrast), branching vessels, an intensity gradient and
  shot noise. Writes the image (float32 .npy), the cell labels, the vessel mask, the true cells
  (JSON) and training labels (1 background, 2 cell, 3 vessel). Prints `cells`, `vessel_fraction`,
  `cell_fraction`.
  Runs the program with node: `program` defaults to dist/bundle.js, the compiled program in one
  file with the @saber libraries it imports (npm run build makes it).
baseCommand: [node]
arguments:
  - {prefix: --image, valueFrom: image.npy, position: 1}
  - {prefix: --cells, valueFrom: cells.npy, position: 2}
  - {prefix: --vessels, valueFrom: vessels.npy, position: 3}
  - {prefix: --truth, valueFrom: truth.json, position: 4}
  - {prefix: --classes, valueFrom: classes.npy, position: 5}
requirements:
  # glibc 2.35+ backs large allocations with transparent huge pages (madvise): the tools fill
  # tens of MB of fresh arrays, and a fresh 4 KiB page costs about 11 µs to fault on a VM.
  # Other C libraries ignore the variable.
  EnvVarRequirement:
    envDef:
      GLIBC_TUNABLES: glibc.malloc.hugetlb=1
hints:
  DockerRequirement:
    dockerPull: saber/tool-xrm-synth:0.1.0
  ResourceRequirement:
    coresMin: 1
    ramMin: 2000
  saber:
    parse_metrics: true
inputs:
  program:
    type: File
    default:
      class: File
      location: dist/bundle.js
    inputBinding: {position: 0}
    doc: the xrm-synth program (default dist/bundle.js, made by npm run build)
  shape:
    type: string
    default: 128,128,128
    inputBinding: {prefix: --shape, position: 6}
  seed:
    type: int
    default: 1
    inputBinding: {prefix: --seed, position: 7}
  cell_count:
    type: int?
    inputBinding: {prefix: --cell-count, position: 8}
  photons:
    type: float?
    inputBinding: {prefix: --photons, position: 9}
outputs:
  image: {type: File, outputBinding: {glob: image.npy}}
  cells: {type: File, outputBinding: {glob: cells.npy}}
  vessels: {type: File, outputBinding: {glob: vessels.npy}}
  truth: {type: File, outputBinding: {glob: truth.json}}
  classes: {type: File, outputBinding: {glob: classes.npy}}
