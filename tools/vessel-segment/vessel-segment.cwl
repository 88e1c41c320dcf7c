#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: vessel-segment
doc: |
  Vessel segmentation of a vessel probability map (Dyer et al. 2017; xbrain segment_vessels):
  threshold, drop components below small_objects voxels, dilate by a ball of diameter `dilation`,
  drop components below `minimum` voxels. Writes a uint8 mask. Prints `vessel_voxels`,
  `vessel_fraction`, `vessel_components` (and `vessel_dice` with a ground truth).
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
    dockerPull: saber/tool-vessel-segment:0.1.0
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
    doc: the vessel-segment program (default dist/bundle.js, made by npm run build)
  input:
    type: File
    inputBinding: {prefix: --input, position: 1}
    doc: vessel probability volume, (Z, Y, X) or (C, Z, Y, X); uint8 holds probabilities x 255 (pixel-classifier dtype uint8)
  channel:
    type: int?
    inputBinding: {prefix: --channel, position: 2}
    doc: channel of a (C, Z, Y, X) input (xbrain --vessel-index)
  output_name:
    type: string
    default: vessels.npy
    inputBinding: {prefix: --output, position: 3}
  threshold:
    type: float
    default: 0.68
    inputBinding: {prefix: --threshold, position: 4}
  small_objects:
    type: int
    default: 100
    inputBinding: {prefix: --small-objects, position: 5}
  dilation:
    type: int
    default: 3
    inputBinding: {prefix: --dilation, position: 6}
  minimum:
    type: int
    default: 4000
    inputBinding: {prefix: --minimum, position: 7}
  keep_cut:
    type: boolean?
    inputBinding: {prefix: --keep-cut, position: 8}
    doc: never drop components touching a face of the input (in a block sweep they may be parts of larger ones)
  groundtruth:
    type: File?
    inputBinding: {prefix: --groundtruth, position: 8}
    doc: true vessel mask; prints vessel_dice
outputs:
  vessels:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
