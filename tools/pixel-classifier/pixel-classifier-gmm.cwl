#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: pixel-classifier gmm
doc: |
  Unsupervised classification (xbrain unsup_membrane_classify): a Gaussian mixture fitted by EM
  to the features of sampled voxels (raw intensity and a Gaussian at sigma 1 by default); writes
  the posterior of one component (components are sorted by mean intensity: darkest first).
  Prints `log_likelihood`, `iterations`, `component_<k>_weight`, `component_<k>_mean`.
  Runs the program with node: `program` defaults to dist/bundle.js, the compiled program in one
  file with the @saber libraries it imports (npm run build makes it).
baseCommand: [node]
arguments:
  - {valueFrom: gmm, position: 1}
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
    doc: the pixel-classifier program (default dist/bundle.js, made by npm run build)
  image:
    type: File
    inputBinding: {prefix: --image, position: 2}
  num_comp:
    type: int
    default: 2
    inputBinding: {prefix: --components, position: 3}
  num_samp:
    type: int
    default: 500000
    inputBinding: {prefix: --samples, position: 4}
  component:
    type: string
    default: darkest
    inputBinding: {prefix: --component, position: 5}
    doc: darkest, brightest, all, or an index
  covariance:
    type: string
    default: full
    inputBinding: {prefix: --covariance, position: 6}
  output_name:
    type: string
    default: probability.npy
    inputBinding: {prefix: --output, position: 7}
outputs:
  probability:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
