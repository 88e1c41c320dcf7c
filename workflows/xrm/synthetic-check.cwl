#!/usr/bin/env cwl-runner
cwlVersion: v1.2
class: Workflow
label: XRM workflow on a synthetic volume, scored
doc: |
  End-to-end check of xrm.cwl with ground truth: a training volume and a test volume from
  tools/xrm-synth (different seeds), a classifier trained on the training volume's labels, the
  canonical workflow on the test volume, and the cell centroid F1 (the `score` of the `score`
  step, from its `F1: x` line) and vessel Dice of the result. Detection and vessel parameters are
  optional pass-throughs (null: xrm.cwl's defaults), so an optimization study can tune them.
requirements:
  SubworkflowFeatureRequirement: {}
  MultipleInputFeatureRequirement: {}
inputs:
  shape: {type: string, default: '160,160,160'}
  seed: {type: int, default: 1}
  cell_count:
    type: int?
    doc: cells per synthetic volume (default one per 40,000 voxels)
  train_seed: {type: int, default: 1000}
  scales: {type: string, default: '0.7,1,1.6,3.5,5'}
  samples: {type: int, default: 200000}
  trees: {type: int, default: 32}
  threshold: float?
  stop: float?
  initial_template_size: int?
  dilation: int?
  vessel_threshold: float?
  vessel_dilation: int?
  vessel_minimum: int?
  score_template_size:
    type: int
    default: 14
    doc: |
      border margin and matching distance of the cell F1 (the true cell scale), fixed whatever
      initial_template_size a study tries: scoring with the candidate template size would let a
      larger template widen its own matching distance
outputs:
  scores:
    type: File
    outputSource: score/scores
  cells:
    type: File
    outputSource: xrm/cells
  vessels:
    type: File
    outputSource: xrm/vessels
  densities:
    type: File
    outputSource: xrm/densities
steps:
  synth_train:
    run: ../../tools/xrm-synth/xrm-synth.cwl
    in:
      shape: shape
      seed: train_seed
      cell_count: cell_count
    out: [image, classes]
  train:
    run: ../../tools/pixel-classifier/pixel-classifier-train.cwl
    in:
      image:
        source: [synth_train/image]
        linkMerge: merge_nested
      labels: synth_train/classes
      scales: scales
      samples: samples
      trees: trees
    out: [model]
  synth:
    run: ../../tools/xrm-synth/xrm-synth.cwl
    in:
      shape: shape
      seed: seed
      cell_count: cell_count
    out: [image, vessels, truth]
  xrm:
    run: xrm.cwl
    in:
      image: synth/image
      classifier: train/model
      threshold: threshold
      stop: stop
      initial_template_size: initial_template_size
      dilation: dilation
      vessel_threshold: vessel_threshold
      vessel_dilation: vessel_dilation
      vessel_minimum: vessel_minimum
    out: [cells, vessels, densities]
  score:
    run: ../../tools/cell-score/cell-score.cwl
    in:
      detections: xrm/cells
      truth: synth/truth
      template_size: score_template_size
      vessels: xrm/vessels
      vessel_truth: synth/vessels
    out: [scores]
