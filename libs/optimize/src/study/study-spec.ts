import type { BlockSection, Metaparameter } from '@saber/sweep';
import type { Aggregation } from '../objective/aggregate';
import type { Direction, SamplerMethod } from '../samplers/sampler.types';
import type { Dimension } from '../space/dimension';

/** Most trials one study may run (its result lists every trial in one message). */
export const MAX_STUDY_TRIALS = 2000;
/** Most trials in flight at once. */
export const MAX_STUDY_PARALLEL = 1000;

/** A tuned parameter: its values and the input it sets, as a metaparameter of the original format does. */
export interface StudyParameter {
  dimension: Dimension;
  /** A step input when `steps` is set (the original's form), else a workflow input. */
  input: string;
  steps?: string[];
  /** `range`: the original's metaparameter (its values in file order); `space`: a typed dimension. */
  form: 'range' | 'space';
}

/** What a trial is scored by. */
export interface StudyObjective {
  /** `<step>.<metric>` of the run's metrics (a `score_format` hint gives `<step>.score`). Undefined with `output`, or to be chosen from the workflow. */
  metric?: string;
  /** A workflow output (a File) holding the score: a number, `key: value` lines, or JSON. */
  output?: string;
  /** The key to read in `output` (JSON field or `key: value` line). */
  key?: string;
  direction: Direction;
  /** How the blocks of a trial with a block sweep make one score. */
  aggregation: Aggregation;
  /** The range the metric can take (e.g. [0, 1] for F1); needed by early stopping. */
  bounds?: [number, number];
  /** Prune a block-sweep trial once it cannot beat the best trial. */
  earlyStopping: boolean;
}

/** The sampler block, checked; `seed` undefined means "draw one at acceptance". */
export interface StudySamplerSpec {
  method: SamplerMethod;
  seed?: number;
  batchSize?: number;
  replacement?: boolean;
  startup?: number;
  candidates?: number;
  gamma?: number;
  roundSize?: number;
  shrink?: number;
}

/** When the study stops starting trials. */
export interface StudyBudget {
  /** Trials at most (the grid's size for a grid without an explicit budget; {@link MAX_STUDY_TRIALS} with only `seconds`). */
  trials: number;
  /** Seconds from acceptance after which no trial is started. */
  seconds?: number;
}

/** The trial's block sweep: the original's x/y/z block metaparameters and/or a `block:` section. */
export interface StudyBlocks {
  /** The x/y/z min/max metaparameters, in file order. */
  metaparameters: Metaparameter[];
  /** The same metaparameters as parameterization YAML (what the blocker is sent). */
  parameterization: string;
  block?: BlockSection;
}

/** A checked study file. */
export interface StudySpec {
  /** Display name of the file. */
  source: string;
  parameters: StudyParameter[];
  /** The search space: `parameters[i].dimension`, in file order. */
  space: Dimension[];
  sampler: StudySamplerSpec;
  objective: StudyObjective;
  budget: StudyBudget;
  /** Trials in flight at most (batch-grid: `batchSize`). */
  parallel: number;
  blocks?: StudyBlocks;
  /** Things the user should know that do not stop the study. */
  warnings: string[];
}
