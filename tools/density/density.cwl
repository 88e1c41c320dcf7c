#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: CommandLineTool
label: density
doc: |
  Cells per region and vessel volume fraction. Writes {"regions": {"<id>": {voxels, foreground,
  detections}}, "table": [...]} (the regions tally is what the merger sums over blocks). Prints
  `cells`, `vessel_fraction`, `cells_per_voxel` and, when the voxel size is known, `cells_per_mm3`.
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
    dockerPull: saber/tool-density:0.1.0
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
    doc: the density program (default dist/bundle.js, made by npm run build)
  cells:
    type: File
    inputBinding: {prefix: --cells, position: 1}
    doc: detections (JSON or CSV with z,y,x)
  vessels:
    type: File
    inputBinding: {prefix: --vessels, position: 2}
    doc: vessel mask volume
  regions:
    type: File?
    inputBinding: {prefix: --regions, position: 3}
    doc: region label volume of the same shape, or of the whole volume with `box` (default one region, id 1)
  box:
    type: string?
    inputBinding: {prefix: --box, position: 3}
    doc: where the inputs lie in the volume, z0:z1,y0:y1,x0:x1 (a block sweep's halo_box)
  core:
    type: string?
    inputBinding: {prefix: --core, position: 3}
    doc: count only this part of the volume (a block sweep's box), so that the blocks' tallies add up
  voxel_size:
    type: string?
    inputBinding: {prefix: --voxel-size, position: 4}
    doc: nanometres per voxel as z,y,x
  output_name:
    type: string
    default: densities.json
    inputBinding: {prefix: --output, position: 5}
outputs:
  densities:
    type: File
    outputBinding: {glob: $(inputs.output_name)}
