#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: pixel-classifier predict
doc: |
  Class probabilities of every voxel from a trained model: a (C, Z, Y, X) float32 volume in the
  model's class order, or one class (Z, Y, X) with `class`. With a ground truth prints
  `pixel_precision`, `pixel_recall`, `pixel_f1` of the positive class. Prints `voxels`,
  `predict_seconds`.
  Runs the program with node: `program` defaults to dist/bundle.js, the compiled program in one
  file with the @saber libraries it imports (npm run build makes it).
baseCommand: [node]
arguments:
  - {valueFrom: predict, position: 1}
requirements:
  # glibc 2.35+ backs large allocations with transparent huge pages (madvise): the tools fill
  # tens of MB of fresh arrays, and a fresh 4 KiB page costs about 11 µs to fault on a VM.
  # Other C libraries ignore the variable.
  EnvVarRequirement:
    envDef:
      GLIBC_TUNABLES: glibc.malloc.hugetlb=1
hints:
  DockerRequirement:
    dockerPull: saber/tool-pixel-classifier:0.1.0
  ResourceRequirement:
    coresMin: 1
    ramMin: 8000
  saber:
    parse_metrics: true
inputs:
  program:
    type: File
    default:
      class: File
      location: dist/bundle.js
    inputBinding: {position: 0}
    doc: the pixel-classifier program (default dist/bundle.js, made by npm run build)
  image:
    type:
      type: array
      items: [File, string]
      inputBinding: {prefix: --image}
    inputBinding: {position: 2}
    doc: the image channels, each a File or a volume URI (zarr:///..., precomputed+s3://..., h5:///a.h5#/data)
  model:
    type: File
    inputBinding: {prefix: --model, position: 3}
  class:
    type: int?
    inputBinding: {prefix: --class, position: 4}
  slices:
    type: string?
    inputBinding: {prefix: --slices, position: 5}
  box:
    type: string?
    inputBinding: {prefix: --box, position: 5}
    doc: classify only this box, z0:z1,y0:y1,x0:x1 (a block sweep's halo_box); its features read the voxels around it
  groundtruth:
    type: File?
    inputBinding: {prefix: --groundtruth, position: 6}
  label_map:
    type: string?
    inputBinding: {prefix: --label-map, position: 7}
  positive:
    type: int?
    inputBinding: {prefix: --positive, position: 8}
  dtype:
    type: string?
    inputBinding: {prefix: --dtype, position: 9}
    doc: float32 (the default) or uint8, probabilities x 255 rounded (a quarter of the bytes; cell-detect and vessel-segment read it as v / 255)
  output_name:
    type: string
    default: probabilities.npy
    inputBinding: {prefix: --output, position: 9}
outputs:
  probabilities:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
