import { z } from 'zod';
import { CwlObject, Id, Labels, Metrics, Timestamp } from './common.schema';
import { defineEvent } from './contract';

/**
 * Where the workflow comes from: a path on the planner's file system, a URL, or the
 * document itself (YAML/JSON text or an already-parsed object). Exactly one.
 */
export const WorkflowRef = z
  .object({
    path: z.string().min(1).optional(),
    url: z.string().url().optional(),
    inline: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  })
  .strict()
  .refine((w) => [w.path, w.url, w.inline].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of path, url or inline',
  });

/** A block sweep: the original SABER parameterization file, as a path or inline. */
export const SweepRef = z
  .object({
    path: z.string().min(1).optional(),
    inline: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()
  .refine((s) => (s.path === undefined) !== (s.inline === undefined), { message: 'give exactly one of path or inline' });

/** Options that change how a run executes but not what it computes. */
export const RunOptions = z
  .object({
    /** Reuse cached step results (default true). */
    cache: z.boolean().optional(),
    /** Attempts per task for retryable failures (default 3). */
    maxAttempts: z.number().int().min(1).max(20).optional(),
  })
  .strict();

/** A client asks SABER to run a workflow. The requestId is also the message's dedupe id. */
export const RunRequested = defineEvent(
  'run.requested',
  1,
  z
    .object({
      requestId: Id,
      workflow: WorkflowRef,
      inputs: CwlObject.default({}),
      sweep: SweepRef.optional(),
      labels: Labels.optional(),
      requester: z.string().max(200).optional(),
      options: RunOptions.optional(),
    })
    .strict(),
);
export type RunRequested = z.infer<typeof RunRequested.schema>;

/** The planner accepted a request and compiled its plan. */
export const RunAccepted = defineEvent(
  'run.accepted',
  1,
  z
    .object({
      runId: Id,
      requestId: Id,
      workflow: z.object({ name: z.string(), uri: z.string(), contentHash: z.string() }),
      steps: z.array(z.string()),
      labels: Labels.optional(),
      requester: z.string().optional(),
      inputs: CwlObject,
      acceptedAt: Timestamp,
    })
    .strict(),
);
export type RunAccepted = z.infer<typeof RunAccepted.schema>;

/** Why a request was rejected. */
export const RejectReason = z.enum([
  'malformed-message',
  'invalid-request',
  'workflow-not-found',
  'invalid-workflow',
  'invalid-inputs',
  'internal-error',
]);
export type RejectReason = z.infer<typeof RejectReason>;

/** The planner refused a request; nothing ran. */
export const RunRejected = defineEvent(
  'run.rejected',
  1,
  z
    .object({
      /** The request id when it could be read, else the message's dedupe id. */
      requestId: z.string(),
      reason: RejectReason,
      message: z.string(),
      details: z.array(z.string()),
      rejectedAt: Timestamp,
    })
    .strict(),
);
export type RunRejected = z.infer<typeof RunRejected.schema>;

/** Every step succeeded; the workflow's outputs are final. */
export const RunCompleted = defineEvent(
  'run.completed',
  1,
  z
    .object({
      runId: Id,
      outputs: CwlObject,
      /** URIs of every File/Directory in the outputs. */
      artifacts: z.array(z.string()),
      /** Metrics of the run: step metrics as `<step>.<metric>` plus totals. */
      metrics: Metrics,
      costSeconds: z.number().nonnegative(),
      completedAt: Timestamp,
    })
    .strict(),
);
export type RunCompleted = z.infer<typeof RunCompleted.schema>;

/** The run stopped for good. */
export const RunFailed = defineEvent(
  'run.failed',
  1,
  z
    .object({
      runId: Id,
      reason: z.string(),
      message: z.string(),
      failedStep: z.string().optional(),
      stderrTail: z.string().optional(),
      failedAt: Timestamp,
    })
    .strict(),
);
export type RunFailed = z.infer<typeof RunFailed.schema>;
