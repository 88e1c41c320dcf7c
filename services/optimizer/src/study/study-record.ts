import type { RunOptions, StudyAccepted, StudyObjective, WorkflowRef } from '@saber/contracts';
import type { Params } from '@saber/optimize';
import type { SweepBinding } from '@saber/sweep';
import type { z } from 'zod';

/** A trial's state. */
export type TrialState = 'running' | 'succeeded' | 'failed' | 'pruned';

/** One trial of a study. */
export interface TrialRecord {
  trial: number;
  params: Params;
  state: TrialState;
  /** The objective value (succeeded trials). */
  score: number | null;
  costSeconds: number;
  startedAt: string;
  finishedAt?: string;
  message?: string;
  /** batch-grid: the trial's batch. */
  batch?: number;
  /** Trials with blocks: score of each block done, by block index (null: the block reported no score). */
  blockScores?: Record<string, number | null>;
  /** Trials with blocks, once ended: blocks that reported. */
  blocksDone?: number;
}

/**
 * A study's durable state (KV `saber-studies`, one value per study, compare-and-set).
 * The search space, sampler and budget are recomputed from the study file's text
 * (pure functions); what happened is the list of trials, so a restarted optimizer
 * proposes the next trial from the same history and never repeats a finished one.
 */
export interface StudyRecord {
  studyId: string;
  status: 'running' | 'completed' | 'failed';
  workflow: z.infer<typeof WorkflowRef>;
  workflowInfo: StudyAccepted['workflow'];
  /** Job inputs shared by every trial. */
  inputs: Record<string, unknown>;
  labels?: Record<string, string>;
  requester?: string;
  options?: z.infer<typeof RunOptions>;
  /** The study file's text and display name, and the request's sampler overrides. */
  study: { text: string; source: string; sampler?: { method?: StudyAccepted['sampler']['method']; seed?: number } };
  /** The seed in use (the file's, the request's, or drawn at acceptance). */
  seed: number;
  /** Where each parameter goes in the workflow's inputs. */
  binding: SweepBinding;
  /** The objective with its metric resolved. */
  objective: StudyObjective;
  /** Trials with blocks: core voxels of each block (its weight), by block index. */
  blockWeights?: number[];
  /** `Date.now()` at acceptance (the time budget counts from it). */
  acceptedAtMs: number;
  trials: TrialRecord[];
  /** Why the study stopped starting trials, once it did. */
  stoppedBy?: 'trials' | 'seconds' | 'exhausted';
  /** The accepted event (republished as is on resume). */
  accepted: StudyAccepted;
  /** W3C trace context of the study's span. */
  traceparent?: string;
}
