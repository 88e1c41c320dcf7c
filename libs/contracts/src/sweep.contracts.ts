import { z } from 'zod';
import { CwlObject, Id, Labels, Timestamp } from './common.schema';
import { defineEvent } from './contract';
import { RunOptions, WorkflowRef } from './run.contracts';

/**
 * Block sweeps (blocker) and the merge request they end with (merger). Vectors are
 * `(z, y, x)`, C order, as in `@saber/volume`; boxes are half-open `[start, stop)`.
 */

const int = z.number().int();

/** Three integers `(z, y, x)`. */
export const Vec3 = z.tuple([int, int, int]);
/** A half-open box `[start, stop)` per axis, `(z, y, x)`, in voxels. */
export const Box3 = z.object({ start: Vec3, stop: Vec3 }).strict();

/** Names of the block geometry a block section can send into workflow inputs. */
export const BlockGeometryName = z.enum([
  'xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax',
  'halo_xmin', 'halo_xmax', 'halo_ymin', 'halo_ymax', 'halo_zmin', 'halo_zmax',
  'block_index',
]);

/**
 * Which volume to cut and how. The extent comes from `volume` (its shape) or
 * `bounds`; `size` cuts it into blocks (the last one per axis truncated); `halo`
 * voxels are added per side, clamped to the extent; `inputs` names the workflow
 * inputs that receive each block's geometry (default: core bounds into
 * `xmin`…`zmax`). May instead be given as the `block:` key of the parameterization file.
 */
export const BlockSection = z
  .object({
    volume: z.string().min(1).optional(),
    /** `[start, stop)`; start defaults to the origin. */
    bounds: z.object({ start: Vec3.optional(), stop: Vec3 }).strict().optional(),
    size: z.tuple([int.min(1), int.min(1), int.min(1)]).optional(),
    halo: z.tuple([int.min(0), int.min(0), int.min(0)]).optional(),
    inputs: z.partialRecord(BlockGeometryName, z.string().min(1)).optional(),
  })
  .strict()
  .refine((b) => b.volume === undefined || b.bounds === undefined, { message: 'give volume or bounds, not both' });

/** The original SABER parameterization file: a path on the blocker's file system, or its YAML text. */
export const ParameterizationRef = z
  .object({
    path: z.string().min(1).optional(),
    inline: z.string().optional(),
    /** Display name of inline text in messages (e.g. the file name it was read from). */
    name: z.string().max(200).optional(),
  })
  .strict()
  .refine((p) => (p.path === undefined) !== (p.inline === undefined), { message: 'give exactly one of path or inline' });

/** How the blocker drives the blocks. Defaults come from its configuration. */
export const SweepPolicy = z
  .object({
    /** Child runs per block at most (first attempt plus retries; default SABER_SWEEP_MAX_ATTEMPTS). */
    maxAttempts: int.min(1).max(20).optional(),
    /** Child runs in flight at most (default SABER_SWEEP_MAX_IN_FLIGHT). */
    maxInFlight: int.min(1).max(10_000).optional(),
    /** Stop starting blocks after the first block that fails for good (default false: run every block). */
    failFast: z.boolean().optional(),
  })
  .strict();

/**
 * A client asks for a block sweep: one child run of `workflow` per iteration (block
 * × parameter combination), with `inputs` overridden by the iteration's values. The
 * requestId is the sweep id and the message's dedupe id; it is at most 160 characters,
 * so that child run ids (`<sweepId>.i<iteration>[.a<attempt>]`) stay valid ids.
 */
export const SweepRequested = defineEvent(
  'sweep.requested',
  1,
  z
    .object({
      requestId: Id.refine((s) => s.length <= 160, { message: 'must be at most 160 characters' }),
      workflow: WorkflowRef,
      inputs: CwlObject.default({}),
      parameterization: ParameterizationRef,
      block: BlockSection.optional(),
      policy: SweepPolicy.optional(),
      labels: Labels.optional(),
      requester: z.string().max(200).optional(),
      /** Options of every child run. */
      options: RunOptions.optional(),
    })
    .strict(),
);
export type SweepRequested = z.infer<typeof SweepRequested.schema>;

/** Where a sweep's blocks lie. */
export const SweepGeometry = z
  .object({
    /** `block-section`: cut by `block.size`; `metaparameters`: the original's x/y/z min/max ranges. */
    source: z.enum(['block-section', 'metaparameters']),
    volume: z.string().optional(),
    /** The volume's shape (else the stop of the bounds). */
    shape: Vec3,
    bounds: Box3,
    blockSize: Vec3,
    halo: Vec3,
    /** Blocks per axis. */
    counts: Vec3,
  })
  .strict();
export type SweepGeometry = z.infer<typeof SweepGeometry>;

/** The blocker accepted a sweep; its child runs start now. */
export const SweepAccepted = defineEvent(
  'sweep.accepted',
  1,
  z
    .object({
      sweepId: Id,
      requestId: Id,
      workflow: z.object({ name: z.string(), uri: z.string(), contentHash: z.string() }).strict(),
      /** Iterations (child runs without retries) in all. */
      total: int.min(1),
      /** Blocks (0 for a sweep without block geometry). */
      blocks: int.min(0),
      /** Results to merge: combinations of the non-block metaparameters (0 without block geometry). */
      groups: int.min(0),
      metaparameters: z.array(z.string()),
      geometry: SweepGeometry.optional(),
      policy: z.object({ maxAttempts: int, maxInFlight: int, failFast: z.boolean() }).strict(),
      /** Things the user should know (an input that feeds more steps than the file lists). */
      warnings: z.array(z.string()),
      labels: Labels.optional(),
      requester: z.string().optional(),
      acceptedAt: Timestamp,
    })
    .strict(),
);
export type SweepAccepted = z.infer<typeof SweepAccepted.schema>;

/** Why a sweep request was refused. `not-implemented` is no longer sent. */
export const SweepRejectReason = z.enum([
  'not-implemented',
  'malformed-message',
  'invalid-request',
  'invalid-sweep',
  'parameterization-not-found',
  'workflow-not-found',
  'invalid-workflow',
  'invalid-inputs',
  'volume-unreadable',
  'internal-error',
]);
export type SweepRejectReason = z.infer<typeof SweepRejectReason>;

/** The blocker refused a sweep; nothing ran. */
export const SweepRejected = defineEvent(
  'sweep.rejected',
  1,
  z
    .object({
      /** The request id when it could be read, else the message's dedupe id. */
      requestId: z.string(),
      reason: SweepRejectReason,
      message: z.string(),
      /** Every problem, e.g. `x.range.step: must be greater than 0, got 0` or `sweep.yml:3:5: <YAML error>`. */
      details: z.array(z.string()).default([]),
      rejectedAt: Timestamp,
    })
    .strict(),
);
export type SweepRejected = z.infer<typeof SweepRejected.schema>;

/** Counts of a running sweep, published whenever a block finishes, fails or is retried. */
export const SweepProgress = defineEvent(
  'sweep.progress',
  1,
  z
    .object({
      sweepId: Id,
      total: int.min(0),
      /** Iterations completed. */
      done: int.min(0),
      /** Iterations failed for good. */
      failed: int.min(0),
      /** Child runs in flight. */
      running: int.min(0),
      /** Retries started so far (child runs beyond the first attempt). */
      retries: int.min(0),
      updatedAt: Timestamp,
    })
    .strict(),
);
export type SweepProgress = z.infer<typeof SweepProgress.schema>;

/** A block: position in the grid, the core it owns, the core plus halo it reads. */
export const SweepBlock = z
  .object({
    /** C-order index in the grid (z slowest). */
    index: int.min(0),
    /** Grid coordinates `(iz, iy, ix)`. */
    position: Vec3,
    core: Box3,
    halo: Box3,
  })
  .strict();
export type SweepBlock = z.infer<typeof SweepBlock>;

/** One iteration of a finished sweep. */
export const SweepIterationResult = z
  .object({
    index: int.min(0),
    /** The child run that succeeded. */
    runId: Id,
    attempts: int.min(1),
    /** The workflow inputs the iteration set (swept values and block geometry). */
    parameters: CwlObject,
    block: SweepBlock.optional(),
    /** Its merge group (absent without block geometry). */
    group: int.min(0).optional(),
    outputs: CwlObject,
  })
  .strict();
export type SweepIterationResult = z.infer<typeof SweepIterationResult>;

/** Every iteration of a sweep succeeded. */
export const SweepCompleted = defineEvent(
  'sweep.completed',
  1,
  z
    .object({
      sweepId: Id,
      requestId: Id,
      total: int.min(1),
      /** Every iteration, in order; empty when they are in `iterationsFile`. */
      iterations: z.array(SweepIterationResult),
      /**
       * A `file://` URL of a JSON array of the iterations, when they are too many to send inline
       * (over `SABER_SWEEP_INLINE_LIMIT` bytes); `iterations` is then empty.
       */
      iterationsFile: z.string().url().optional(),
      /** Request ids of the merge.requested messages published (one per group). */
      merges: z.array(Id),
      /** Tool seconds of the successful child runs. */
      costSeconds: z.number().nonnegative(),
      completedAt: Timestamp,
    })
    .strict(),
);
export type SweepCompleted = z.infer<typeof SweepCompleted.schema>;

/** An iteration that failed for good. */
export const SweepIterationFailure = z
  .object({
    index: int.min(0),
    /** The last child run. */
    runId: Id,
    attempts: int.min(1),
    block: SweepBlock.optional(),
    /** `run.failed` reason (`tool-exit`, `lost-worker`, ...) or `rejected:<run.rejected reason>`. */
    reason: z.string(),
    message: z.string(),
  })
  .strict();
export type SweepIterationFailure = z.infer<typeof SweepIterationFailure>;

/** The sweep ended with iterations that failed for good; no merge was requested. */
export const SweepFailed = defineEvent(
  'sweep.failed',
  1,
  z
    .object({
      sweepId: Id,
      requestId: Id,
      total: int.min(1),
      done: int.min(0),
      failures: z.array(SweepIterationFailure),
      /** Iterations never started (after a failure with `failFast`). */
      notStarted: int.min(0),
      message: z.string(),
      failedAt: Timestamp,
    })
    .strict(),
);
export type SweepFailed = z.infer<typeof SweepFailed.schema>;

/** One block of a merge request: its geometry, run and workflow outputs. */
export const MergeBlock = SweepBlock.extend({ runId: Id, outputs: CwlObject }).strict();
export type MergeBlock = z.infer<typeof MergeBlock>;

/**
 * The blocks of one result are all done: stitch them (merger). Published by the
 * blocker once per group when a sweep with block geometry completes, never when a
 * block failed. The requestId is `<sweepId>.m<group>`.
 */
export const MergeRequested = defineEvent(
  'merge.requested',
  1,
  z
    .object({
      requestId: Id,
      sweepId: Id,
      /** Combination of the non-block metaparameters (0-based) this result is for. */
      group: int.min(0),
      /** The non-block workflow inputs the group's runs shared. */
      parameters: CwlObject,
      volume: z.object({ uri: z.string().optional(), shape: Vec3, bounds: Box3 }).strict(),
      blockSize: Vec3,
      halo: Vec3,
      counts: Vec3,
      /** Every block of the group with its run's outputs; empty when they are in `blocksFile`. */
      blocks: z.array(MergeBlock),
      /**
       * A `file://` URL of a JSON array of the blocks, when they are too many to send inline
       * (over `SABER_SWEEP_INLINE_LIMIT` bytes); `blocks` is then empty.
       */
      blocksFile: z.string().url().optional(),
      requestedAt: Timestamp,
    })
    .strict()
    .refine((m) => (m.blocks.length > 0) !== (m.blocksFile !== undefined), { message: 'give the blocks inline (blocks) or in a file (blocksFile), not both or neither', path: ['blocks'] }),
);
export type MergeRequested = z.infer<typeof MergeRequested.schema>;
