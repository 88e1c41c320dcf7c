import type { RunOptions, SweepAccepted, WorkflowRef } from '@saber/contracts';
import type { BlockSection, SweepBinding } from '@saber/sweep';
import type { z } from 'zod';

/** Iteration states, one character each in {@link SweepRecord.state}. */
export const IterationState = {
  pending: '.',
  running: 'r',
  done: 'd',
  failed: 'f',
} as const;

/**
 * A sweep's durable state (KV `saber-sweeps`, one value per sweep, compare-and-set).
 * Small on purpose: the iterations are recomputed from the parameterization text,
 * the request's block section and the volume shape (pure functions), per-iteration
 * state is one character, and outputs are stored under their own keys.
 */
export interface SweepRecord {
  sweepId: string;
  status: 'running' | 'completed' | 'failed';
  /** The workflow as requested (child runs name it the same way) and as loaded. */
  workflow: z.infer<typeof WorkflowRef>;
  workflowInfo: SweepAccepted['workflow'];
  /** Job inputs shared by every iteration. */
  inputs: Record<string, unknown>;
  labels?: Record<string, string>;
  requester?: string;
  options?: z.infer<typeof RunOptions>;
  /** The parameterization file's text and display name. */
  parameterization: { text: string; source: string };
  /** The request's block section (the file's own `block:` key is in the text). */
  block?: BlockSection;
  /** Shape of the block section's volume, read once at acceptance. */
  volumeShape?: number[];
  binding: SweepBinding;
  policy: SweepAccepted['policy'];
  total: number;
  /** One {@link IterationState} character per iteration. */
  state: string;
  /** Attempts started per iteration, one base-36 character each (`0`: none). */
  attempts: string;
  /** Iterations before this one are not pending (where the next launch search starts). */
  cursor: number;
  done: number;
  failed: number;
  running: number;
  retries: number;
  /** Why each iteration that failed for good failed, by iteration index. */
  failures: Record<string, { reason: string; message: string }>;
  /** Tool seconds of the completed child runs. */
  costSeconds: number;
  /** The accepted event (republished as is when a request is replayed). */
  accepted: SweepAccepted;
  /** W3C trace context of the sweep's span. */
  traceparent?: string;
}

/** What a completed iteration left: stored under its own key, read when the sweep ends. */
export interface IterationResult {
  runId: string;
  attempts: number;
  costSeconds: number;
  outputs: Record<string, unknown>;
}
