#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: pixel-classifier train
doc: |
  Trains a random forest on ilastik-like features of labelled voxels (0 = unlabelled, k >= 1 =
  class k, or a label_map) and writes a JSON model. Prints `training_samples`, `features`,
  `classes`, `oob_accuracy`, `train_seconds`.
  Runs the program with node: `program` defaults to dist/bundle.js, the compiled program in one
  file with the @saber libraries it imports (npm run build makes it).
baseCommand: [node]
arguments:
  - {valueFrom: train, position: 1}
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
      items: File
      inputBinding: {prefix: --image}
    inputBinding: {position: 2}
    doc: image volume(s); more than one are channels (e.g. auto-context probabilities)
  labels:
    type: File
    inputBinding: {prefix: --labels, position: 3}
  label_map:
    type: string?
    inputBinding: {prefix: --label-map, position: 4}
    doc: raw:class pairs, e.g. 0:1,255:2
  slices:
    type: string?
    inputBinding: {prefix: --slices, position: 5}
    doc: z-range a:b to train on
  scales:
    type: string
    default: 0.7,1,1.6,3.5,5
    inputBinding: {prefix: --scales, position: 6}
  dims:
    type: int
    default: 3
    inputBinding: {prefix: --dims, position: 7}
  derivatives:
    type: string?
    inputBinding: {prefix: --derivatives, position: 7}
    doc: gaussian (derivative-of-Gaussian filters, the default) or differences (central differences of the smoothed volume)
  samples:
    type: int
    default: 200000
    inputBinding: {prefix: --samples, position: 8}
  balanced:
    type: boolean
    default: false
    inputBinding: {prefix: --balanced, position: 9}
  trees:
    type: int
    default: 32
    inputBinding: {prefix: --trees, position: 10}
  seed:
    type: int
    default: 1
    inputBinding: {prefix: --seed, position: 11}
  model_name:
    type: string
    default: classifier.json
    inputBinding: {prefix: --model, position: 12}
outputs:
  model:
    type: File
    outputBinding: {glob: $(inputs.model_name)}
