#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
label: XRM cell and vessel detection
doc: |
  The canonical X-ray microtomography pipeline of Dyer et al. 2017 (SABER's xbrain workflow):
  classify every voxel (random forest on ilastik-like features: background / cell / vessel),
  detect cells by greedy spherical template matching on the cell probability, segment vessels
  from the vessel probability, and report cell density and vessel volume fraction.
  One volume, no block sweep. The detection and vessel defaults were tuned on one synthetic
  volume (tools/xrm-synth, seed 1, 160^3, classifier trained on seed 1000) and checked on other
  seeds (workflows/xrm/README.md); the original xbrain defaults are noted on each input.
requirements:
  MultipleInputFeatureRequirement: {}
inputs:
  image:
    type: File
    doc: the XRM volume (.npy, .h5, .tif...)
  classifier:
    type: File
    doc: a pixel-classifier model (pixel-classifier train) whose classes are background, cell, vessel
  probabilities_dtype:
    type: string
    default: uint8
    doc: the classifier's probability map (the `probabilities` output), uint8 (probabilities x 255, a quarter of float32's bytes to write, hash and read) or float32
  cell_channel:
    type: int
    default: 1
    doc: channel of the cell class in the probabilities (the model's class order, from 0)
  vessel_channel:
    type: int
    default: 2
    doc: channel of the vessel class
  threshold:
    type: float
    default: 0.4
    doc: cell probabilities at or below count as 0 (xbrain default 0.2)
  stop:
    type: float
    default: 0.4
    doc: stop when the best mean cell probability in the template falls below (xbrain 0.47)
  initial_template_size:
    type: int
    default: 14
    doc: cell diameter in voxels (xbrain 18)
  dilation:
    type: int
    default: 8
    doc: added to the diameter of the region cleared around each cell (xbrain 8)
  max_cells:
    type: int
    default: 500
  vessel_threshold:
    type: float
    default: 0.5
    doc: vessel probability threshold (xbrain 0.68)
  vessel_dilation:
    type: int
    default: 1
    doc: diameter of the dilation ball, 1 = none (xbrain 3, for ilastik's thinner vessel maps)
  vessel_minimum:
    type: int
    default: 1000
    doc: smallest vessel component kept, voxels (xbrain 4000)
  regions:
    type: File?
    doc: region label volume for per-region densities
outputs:
  probabilities:
    type: File
    outputSource: classify/probabilities
  cells:
    type: File
    outputSource: detect/cells
  cell_map:
    type: File?
    outputSource: detect/cell_map
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
      map_name: {default: cell_map.npy}
    out: [cells, cell_map]
  segment:
    run: ../../tools/vessel-segment/vessel-segment.cwl
    in:
      input: classify/probabilities
      channel: vessel_channel
      threshold: vessel_threshold
      dilation: vessel_dilation
      minimum: vessel_minimum
    out: [vessels]
  density:
    run: ../../tools/density/density.cwl
    in:
      cells: detect/cells
      vessels: segment/vessels
      regions: regions
    out: [densities]
