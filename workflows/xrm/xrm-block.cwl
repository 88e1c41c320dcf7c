#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
label: XRM cell and vessel detection, one block
doc: |
  The canonical XRM pipeline (xrm.cwl) on one block of a volume, for a block sweep
  (`saber deploy xrm-block.cwl job.yml --sweep sweep.yml`): the sweep gives each block its core
  (`box`) and its core grown by the halo (`halo_box`), as z0:z1,y0:y1,x0:x1.
  - classify: probabilities of the halo box; the features read the voxels around it, so they
    equal the whole volume's there;
  - detect: cells in the halo box (frame halo), kept by the merger where their voxel lies in
    this block's core, so every cell is counted once;
  - segment: the vessel mask of the halo box, stitched by the merger into one label volume
    (zarr and Neuroglancer precomputed) whose components have global ids; a component touching
    a face of the halo box is kept whatever its size (it may continue in the next block);
  - density: cells and vessel voxels of the core only; the merger adds the blocks' tallies.
  With a halo of at least the template size plus the dilation, the blocks find the cells the
  whole volume finds (workflows/xrm/README.md measures it). One block covering the volume is the
  whole-volume run.
requirements:
  MultipleInputFeatureRequirement: {}
hints:
  # The image may be a volume URI (a string); its content is not hashed, so block results are
  # not reused from the step cache.
  WorkReuse:
    enableReuse: false
inputs:
  image:
    type: [File, string]
    doc: the XRM volume, a File (.npy, .h5, .tif) or a volume URI (zarr:///..., precomputed+s3://...)
  classifier:
    type: File
    doc: a pixel-classifier model (pixel-classifier train) whose classes are background, cell, vessel
  box:
    type: string
    doc: the block's core, z0:z1,y0:y1,x0:x1 (block geometry `box`)
  halo_box:
    type: string
    doc: the block's core grown by the halo and clamped to the volume (block geometry `halo_box`)
  probabilities_dtype:
    type: string
    default: uint8
    doc: the classifier's probability map, uint8 (probabilities x 255, a quarter of float32's bytes to write, hash and read) or float32
  cell_channel: {type: int, default: 1}
  vessel_channel: {type: int, default: 2}
  threshold: {type: float, default: 0.4, doc: as xrm.cwl}
  stop: {type: float, default: 0.4, doc: as xrm.cwl}
  initial_template_size: {type: int, default: 14, doc: as xrm.cwl}
  dilation: {type: int, default: 8, doc: as xrm.cwl}
  max_cells: {type: int, default: 500, doc: per block}
  vessel_threshold: {type: float, default: 0.5, doc: as xrm.cwl}
  vessel_dilation: {type: int, default: 1, doc: as xrm.cwl}
  vessel_minimum: {type: int, default: 1000, doc: as xrm.cwl; components cut by the halo box's faces are kept whatever their size}
  regions:
    type: File?
    doc: region label volume of the whole volume, for per-region densities
outputs:
  cells:
    type: File
    outputSource: detect/cells
  vessels:
    type: File
    outputSource: segment/vessels
  densities:
    type: File
    outputSource: density/densities
steps:
  classify:
    run: ../../tools/pixel-classifier/pixel-classifier-predict.cwl
    in:
      image:
        source: [image]
        linkMerge: merge_nested
      model: classifier
      box: halo_box
      dtype: probabilities_dtype
    out: [probabilities]
  detect:
    run: ../../tools/cell-detect/cell-detect.cwl
    in:
      input: classify/probabilities
      channel: cell_channel
      threshold: threshold
      stop: stop
      initial_template_size: initial_template_size
      dilation: dilation
      max_cells: max_cells
      frame: {default: halo}
    out: [cells]
  segment:
    run: ../../tools/vessel-segment/vessel-segment.cwl
    in:
      input: classify/probabilities
      channel: vessel_channel
      threshold: vessel_threshold
      dilation: vessel_dilation
      minimum: vessel_minimum
      keep_cut: {default: true}
    out: [vessels]
  density:
    run: ../../tools/density/density.cwl
    in:
      cells: detect/cells
      vessels: segment/vessels
      regions: regions
      box: halo_box
      core: box
    out: [densities]
