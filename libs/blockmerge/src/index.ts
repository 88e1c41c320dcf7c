/**
 * `@saber/blockmerge`: stitching block results into whole-volume answers — block grid
 * geometry, globally unique ids, label matching across block faces (adjacency or overlap)
 * with a streaming union-find relabel, the watershed halo certificate, detections kept by
 * core ownership, the synapse graph and its exports, and density aggregation.
 *
 * @module
 */
export * from './errors';
export * from './grid/block-grid';
export * from './stitch/local-labels';
export * from './stitch/label-source';
export * from './stitch/label-sink';
export * from './stitch/stitch-labels';
export * from './stitch/relabel';
export * from './driver/block-driver';
export * from './driver/compare-blockwise';
export * from './testing/synthetic';
export * from './watershed/watershed-certificate';
export * from './detections/detections';
export * from './graph/synapse-graph';
export * from './densities/densities';
