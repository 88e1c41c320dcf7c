import { z } from 'zod';
import { CwlObject, Id, Labels, Timestamp } from './common.schema';
import { EVENTS_ROOT, defineEvent } from './contract';
import { RunOptions, WorkflowRef } from './run.contracts';
import { ParameterizationRef } from './sweep.contracts';

/**
 * Hyperparameter studies (optimizer). A study runs one workflow many times, each
 * trial with other parameter values proposed by a sampler, scores each trial from its
 * run's metrics, and reports the best. A trial is a run `<studyId>.t<trial>` (or,
 * when the study file has blocks, a block sweep of that id whose child runs are
 * `<studyId>.t<trial>.i<block>`).
 */

const int = z.number().int();

/** A parameter value of a trial. */
export const StudyParamValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
/** The values of one trial by parameter name. */
export const StudyParams = z.record(z.string(), StudyParamValue);

/** Sampling methods: the original's grid, random, batch-grid; SABER's resampling and tpe. */
export const StudySamplerMethod = z.enum(['grid', 'random', 'batch-grid', 'resampling', 'tpe']);

/** Subject filters of study events. */
export const StudyFilters = {
  /** study.accepted, rejected, trial.started, trial.completed, completed, failed (and requests) of every version. */
  studyEvents: `${EVENTS_ROOT}.study.>`,
} as const;

/**
 * A client asks for a study. `study` is the study file (the original parameterization
 * format with its `sampler:` block, plus typed parameters, objective, budget and
 * parallel), as a path on the optimizer's file system or inline text. `sampler`
 * overrides the file's method and seed (to compare samplers on one file). The
 * requestId is the study id and the message's dedupe id, at most 150 characters so
 * that trial and block run ids stay valid ids.
 */
export const StudyRequested = defineEvent(
  'study.requested',
  1,
  z
    .object({
      requestId: Id.refine((s) => s.length <= 150, { message: 'must be at most 150 characters' }),
      workflow: WorkflowRef,
      inputs: CwlObject.default({}),
      study: ParameterizationRef,
      sampler: z.object({ method: StudySamplerMethod.optional(), seed: int.min(0).max(0xffff_ffff).optional() }).strict().optional(),
      labels: Labels.optional(),
      requester: z.string().max(200).optional(),
      /** Options of every trial run. */
      options: RunOptions.optional(),
    })
    .strict(),
);
export type StudyRequested = z.infer<typeof StudyRequested.schema>;

/** How trials are scored, as accepted (the metric resolved from the workflow when the file named none). */
export const StudyObjective = z
  .object({
    /** `<step>.<metric>` of the run's metrics. */
    metric: z.string().optional(),
    /** A workflow output (File) read for the score, with `key`. */
    output: z.string().optional(),
    key: z.string().optional(),
    direction: z.enum(['maximize', 'minimize']),
    /** Blocks → one score: mean, sum or voxel-weighted. */
    aggregation: z.enum(['mean', 'sum', 'voxel-weighted']),
    bounds: z.tuple([z.number(), z.number()]).optional(),
    earlyStopping: z.boolean(),
  })
  .strict();
export type StudyObjective = z.infer<typeof StudyObjective>;

/** The optimizer accepted a study; its first trials start now. */
export const StudyAccepted = defineEvent(
  'study.accepted',
  1,
  z
    .object({
      studyId: Id,
      requestId: Id,
      workflow: z.object({ name: z.string(), uri: z.string(), contentHash: z.string() }).strict(),
      /** The sampler as it runs: method, seed (drawn when the file gave none) and the method's settings (`batchSize`, `startup`, …). */
      sampler: z
        .object({ method: StudySamplerMethod, seed: int.min(0), settings: z.record(z.string(), z.union([z.number(), z.boolean()])) })
        .strict(),
      /** Tuned parameters in file order: name, values (`float 0.3..0.7`, `range of 5 values`), the workflow inputs they set. */
      parameters: z.array(z.object({ name: z.string(), values: z.string(), inputs: z.array(z.string()) }).strict()),
      objective: StudyObjective,
      budget: z.object({ trials: int.min(1), seconds: z.number().positive().optional() }).strict(),
      /** Trials in flight at most. */
      parallel: int.min(1),
      /** Blocks per trial (0: a trial is one run). */
      blocks: int.min(0),
      warnings: z.array(z.string()),
      labels: Labels.optional(),
      requester: z.string().optional(),
      acceptedAt: Timestamp,
    })
    .strict(),
);
export type StudyAccepted = z.infer<typeof StudyAccepted.schema>;

/** Why a study request was refused. */
export const StudyRejectReason = z.enum([
  'malformed-message',
  'invalid-request',
  'invalid-study',
  'study-not-found',
  'workflow-not-found',
  'invalid-workflow',
  'invalid-inputs',
  'volume-unreadable',
  'internal-error',
]);
export type StudyRejectReason = z.infer<typeof StudyRejectReason>;

/** The optimizer refused a study; no trial ran. */
export const StudyRejected = defineEvent(
  'study.rejected',
  1,
  z
    .object({
      /** The request id when it could be read, else the message's dedupe id. */
      requestId: z.string(),
      reason: StudyRejectReason,
      message: z.string(),
      /** Every problem, e.g. `budget.trials: 40 trials exceed the 24 points of the grid (grid runs each point once)`. */
      details: z.array(z.string()).default([]),
      rejectedAt: Timestamp,
    })
    .strict(),
);
export type StudyRejected = z.infer<typeof StudyRejected.schema>;

/** A trial started: its run (or block sweep) was requested. */
export const StudyTrialStarted = defineEvent(
  'study.trial.started',
  1,
  z
    .object({
      studyId: Id,
      trial: int.min(0),
      /** The trial's run id, or its block sweep's id. */
      runId: Id,
      kind: z.enum(['run', 'sweep']),
      parameters: StudyParams,
      /** The workflow inputs the parameters set (over the job's inputs). */
      inputs: CwlObject,
      /** batch-grid: the batch (0-based). */
      batch: int.min(0).optional(),
      startedAt: Timestamp,
    })
    .strict(),
);
export type StudyTrialStarted = z.infer<typeof StudyTrialStarted.schema>;

/** How a trial ended: scored, failed (its run or sweep failed, or reported no score), or pruned by early stopping. */
export const StudyTrialStatus = z.enum(['succeeded', 'failed', 'pruned']);

/** A trial ended. */
export const StudyTrialCompleted = defineEvent(
  'study.trial.completed',
  1,
  z
    .object({
      studyId: Id,
      trial: int.min(0),
      runId: Id,
      status: StudyTrialStatus,
      parameters: StudyParams,
      /** The objective value (null unless succeeded). */
      score: z.number().nullable(),
      /** Tool wall-clock seconds of the trial's runs (of the blocks done, when pruned). */
      costSeconds: z.number().nonnegative(),
      /** Blocks done of the trial's block sweep. */
      blocks: z.object({ done: int.min(0), total: int.min(1) }).strict().optional(),
      /** Why it failed or was pruned. */
      message: z.string().optional(),
      /** The study's best trial so far (after this one). */
      best: z.object({ trial: int.min(0), score: z.number() }).strict().nullable(),
      finishedAt: Timestamp,
    })
    .strict(),
);
export type StudyTrialCompleted = z.infer<typeof StudyTrialCompleted.schema>;

/** One trial in a study's result. */
export const StudyTrialSummary = z
  .object({
    trial: int.min(0),
    runId: Id,
    status: StudyTrialStatus,
    parameters: StudyParams,
    score: z.number().nullable(),
    costSeconds: z.number().nonnegative(),
    startedAt: Timestamp,
    finishedAt: Timestamp,
  })
  .strict();
export type StudyTrialSummary = z.infer<typeof StudyTrialSummary>;

/** Why a study stopped starting trials. */
export const StudyStop = z.enum(['trials', 'seconds', 'exhausted']);

/** The study ended with at least one scored trial. */
export const StudyCompleted = defineEvent(
  'study.completed',
  1,
  z
    .object({
      studyId: Id,
      requestId: Id,
      sampler: StudySamplerMethod,
      /** The objective as scored (`<step>.<metric>`, or `output:<name>[.<key>]`). */
      objective: z.string(),
      direction: z.enum(['maximize', 'minimize']),
      best: z.object({ trial: int.min(0), runId: Id, parameters: StudyParams, score: z.number() }).strict(),
      /** Every trial, by trial number. */
      trials: z.array(StudyTrialSummary),
      /** `trials`: the trial budget was spent; `seconds`: the time budget; `exhausted`: the sampler had no new point. */
      stoppedBy: StudyStop,
      costSeconds: z.number().nonnegative(),
      completedAt: Timestamp,
    })
    .strict(),
);
export type StudyCompleted = z.infer<typeof StudyCompleted.schema>;

/** The study ended without a single scored trial. */
export const StudyFailed = defineEvent(
  'study.failed',
  1,
  z
    .object({
      studyId: Id,
      requestId: Id,
      message: z.string(),
      trials: z.array(StudyTrialSummary),
      failedAt: Timestamp,
    })
    .strict(),
);
export type StudyFailed = z.infer<typeof StudyFailed.schema>;
