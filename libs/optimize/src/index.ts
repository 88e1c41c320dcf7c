/**
 * `@saber/optimize`: hyperparameter search for SABER studies, as pure functions.
 * Study files (the original's parameterization format with its `sampler:` block,
 * plus typed parameters, objective, budget and parallelism), search spaces, the
 * samplers (grid, random without replacement, batch-grid, the paper's random
 * resampling, TPE), all reproducible from a seed; block aggregation and early
 * stopping; the trials CSV and an SVG plot of score versus trial. No I/O.
 *
 * @module
 */
export { Rng, hash32, mix32 } from './random/rng';
export { RandomPermutation } from './random/permutation';
export {
  choiceIndex, choiceRanks, describeDimension, fromUnit, gridValues, isNumeric, parameterValue, toUnit, valueCount,
  type Dimension, type ParamValue, type Params,
} from './space/dimension';
export { discretePoint, discreteSize, gridPoint, gridSize, pointKey, uniformPoint, type SearchSpace } from './space/search-space';
export {
  SAMPLER_METHODS, bestObservation, lossOf,
  type Direction, type Observation, type Sampler, type SamplerMethod, type SamplerSettings, type SuggestInput, type TrialStatus,
} from './samplers/sampler.types';
export { GridSampler } from './samplers/grid.sampler';
export { RandomSampler, RNG_PURPOSE } from './samplers/random.sampler';
export { ResamplingSampler, RESAMPLING_DEFAULTS } from './samplers/resampling.sampler';
export { TpeSampler, TPE_DEFAULTS } from './samplers/tpe.sampler';
export { createSampler } from './samplers/create-sampler';
export { AGGREGATIONS, aggregate, bestReachable, cannotBeat, type Aggregation, type PartialTrial } from './objective/aggregate';
export { StudyDefinitionError } from './study/study-errors';
export * from './study/study-spec';
export { parseStudy, STUDY_KEYS, type ParseStudyOptions } from './study/parse-study';
export { studyParameterization, trialInputs } from './study/bind-study';
export { trialsCsv, type TrialRow } from './report/trials-csv';
export { scorePlotSvg, type PlotOptions, type PlotSeries } from './report/score-plot';
export { optimizeFunction, type FunctionTrial } from './loop/optimize-function';
export { BRANIN, HARTMANN6, NOISY4D, NOISY4D_SIGMA, TEST_FUNCTIONS, type TestFunction } from './testing/test-functions';
