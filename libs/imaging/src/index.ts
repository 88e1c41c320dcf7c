/**
 * `@saber/imaging`: 3-D kernels over C-order `(z, y, x)` typed-array volumes — connected
 * components, exact Euclidean distance transform, seeded watershed and its seeds, Gaussian
 * smoothing and derivatives, ball morphology, and segmentation / detection scores. Every
 * kernel is a plain function of `(data, shape, options)`; none allocates per voxel.
 *
 * @module
 */
export * from './errors/imaging-errors';
export type * from './core/volume.types';
export { neighborhood, linearOffsets, type Neighborhood } from './core/neighborhood';
export { UnionFind } from './core/union-find';
export { rankOrder } from './core/rank-order';
export { RankQueue } from './core/rank-queue';
export { connectedComponents, labelComponents, type ConnectedComponentsOptions, type LabelComponentsOptions } from './labeling/connected-components';
export { labelCentroids, type LabelCentroids } from './labeling/label-centroids';
export { distanceTransform, type DistanceTransformOptions } from './distance/distance-transform';
export { squaredEdtInPlace } from './distance/squared-edt';
export { seededWatershed, type SeededWatershedOptions } from './segmentation/seeded-watershed';
export { regionalMinimaSeeds, thresholdSeeds, type LocalSeedsOptions } from './segmentation/local-seeds';
export { DEFAULT_TRUNCATE, gaussianKernel1d, gaussianRadius } from './filters/gaussian-kernel';
export { convolveAxis, reflectIndexMap } from './filters/convolve-axis';
export { gaussianFilter, type GaussianFilterOptions } from './filters/gaussian-filter';
export {
  gaussianGradient,
  gaussianGradientMagnitude,
  gaussianLaplace,
  hessianOfGaussian,
  type GaussianDerivativeOptions,
} from './filters/gaussian-derivatives';
export { BALL_EPSILON, ball, inBall, type StructuringElement } from './morphology/ball';
export { binaryClosing, binaryDilation, binaryErosion, binaryOpening } from './morphology/binary-morphology';
export { greyClosing, greyDilation, greyErosion, greyOpening } from './morphology/grey-morphology';
export { compactLabels, type CompactLabels } from './metrics/compact-labels';
export { contingencyTable, type ContingencyOptions, type ContingencyTable } from './metrics/contingency';
export { variationOfInformation, type VariationOfInformation } from './metrics/variation-of-information';
export { adaptedRand, type AdaptedRand } from './metrics/adapted-rand';
export { dice } from './metrics/dice';
export { detectionScores, type DetectionScores } from './metrics/detection-scores';
export { centroidF1, type CentroidF1Options, type Point3 } from './metrics/centroid-f1';
export { graphScores, type Edge, type GraphScoresOptions, type NodeId } from './metrics/graph-scores';
