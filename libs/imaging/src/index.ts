/**
 * `@saber/imaging`: 3-D kernels over C-order `(z, y, x)` typed-array volumes — connected
 * components, exact Euclidean distance transform, seeded watershed and its seeds, agglomeration,
 * Gaussian smoothing and derivatives, ball morphology, the ilastik-like feature stack, spherical
 * template matching and greedy cell detection, random forest and Gaussian mixture classifiers,
 * a synthetic XRM generator, and segmentation / detection scores. Every kernel is a plain
 * function of `(data, shape, options)`; none allocates per voxel.
 *
 * @module
 */
export * from './errors/imaging-errors';
export { IMAGING_KERNEL_KINDS, NATIVE_KERNELS_PATH, nativeKernels, useImagingKernels, type ImagingKernelKind, type NativeKernels } from './native/native-kernels';
export type * from './core/volume.types';
export { neighborhood, linearOffsets, type Neighborhood } from './core/neighborhood';
export { UnionFind } from './core/union-find';
export { rankOrder } from './core/rank-order';
export { RankQueue } from './core/rank-queue';
export { connectedComponents, countComponents, labelComponents, type ConnectedComponentsOptions, type LabelComponentsOptions } from './labeling/connected-components';
export { labelCentroids, type LabelCentroids } from './labeling/label-centroids';
export { isUnsignedLabels, labelMax, mapLabels, type UnsignedLabels } from './labeling/label-map';
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
export { removeSmallObjects, type RemoveSmallObjectsOptions } from './morphology/remove-small-objects';
export { filterVesselMask, markVesselCandidates, segmentVessels, vesselThreshold, type SegmentVesselsOptions } from './segmentation/segment-vessels';
export { symmetricEigenvalues2, symmetricEigenvalues3 } from './features/symmetric-eigenvalues';
export { differenceDerivativeSet, gaussianDerivativeSet, ScratchPool, type Orders } from './features/derivative-set';
export {
  DEFAULT_FEATURE_SCALES,
  DERIVATIVES,
  DOG_RATIO,
  FEATURE_KINDS,
  featureHalo,
  featureNames,
  featureStack,
  type Derivatives,
  type FeatureKind,
  type FeatureStack,
  type FeatureStackOptions,
} from './features/feature-stack';
export { ballRuns, ballSum, ballSumInto, type BallRuns, type BallSumOptions } from './matching/ball-sum';
export { correlateFft, type CorrelateFftOptions } from './matching/fft-correlate';
export { boxSumInPlace, sphereNcc, type SphereNccOptions } from './matching/sphere-ncc';
export { detectCells, type CellDetection, type DetectCellsOptions, type DetectedCell } from './matching/detect-cells';
export { mulberry32 } from './classify/random';
export {
  predictForest,
  trainRandomForest,
  type DecisionTree,
  type RandomForestModel,
  type RandomForestOptions,
} from './classify/random-forest';
export { FOREST_FORMAT, forestFromJson, forestToJson, type ForestJson } from './classify/forest-json';
export {
  fitGaussianMixture,
  gaussianMixtureLogLikelihood,
  gaussianMixturePosteriors,
  gaussianMixtureStep,
  type CovarianceType,
  type GaussianMixtureModel,
  type GaussianMixtureOptions,
} from './classify/gaussian-mixture';
export { syntheticXrm, type SyntheticCell, type SyntheticXrm, type SyntheticXrmOptions } from './synthetic/synthetic-xrm';
export { agglomerateMeanBoundary, type Agglomeration, type AgglomerateOptions } from './segmentation/agglomerate';
