import { z } from 'zod';
import { Id, Timestamp } from './common.schema';
import { defineEvent } from './contract';

/**
 * What the merger answers to `merge.requested` (schema in `sweep.contracts.ts`): the
 * stitched results of a sweep group with their URIs, or why it could not merge.
 */

const int = z.number().int();

/** Kinds of block output the merger stitches. */
export const MergeResultKind = z.enum(['segmentation', 'detections', 'synapse-graph', 'densities']);
export type MergeResultKind = z.infer<typeof MergeResultKind>;

/** One merged block output. */
export const MergeResult = z
  .object({
    /** The workflow output name the blocks reported it under. */
    output: z.string().min(1),
    kind: MergeResultKind,
    /**
     * Where the result is: a volume URI (`zarr:///…`, segmentation) or a `file://` URL
     * (detections and densities JSON, the synapse graph's node-link JSON).
     */
    uri: z.string().min(1),
    /** Every file written, by format (`json`, `graphml`, `csv`, `zarr`). */
    files: z.record(z.string(), z.string()),
    /** Objects (segmentation), detections, edges (synapse graph) or regions (densities). */
    count: int.min(0),
    /** Kind-specific figures (`match`, `unions`, `localLabels`, `synapses`, `unassigned`, …). */
    details: z.record(z.string(), z.union([z.number(), z.string()])).default({}),
  })
  .strict();
export type MergeResult = z.infer<typeof MergeResult>;

/** The blocks of one sweep group are stitched. */
export const MergeCompleted = defineEvent(
  'merge.completed',
  1,
  z
    .object({
      /** The merge.requested requestId (`<sweepId>.m<group>`). */
      requestId: Id,
      sweepId: Id,
      group: int.min(0),
      blocks: int.min(1),
      results: z.array(MergeResult),
      /** Block outputs left out, with the reason (`"log: not a volume, detection, synapse or density file"`). */
      skipped: z.array(z.object({ output: z.string(), reason: z.string() }).strict()).default([]),
      /** Wall-clock seconds of the merge. */
      seconds: z.number().nonnegative(),
      completedAt: Timestamp,
    })
    .strict(),
);
export type MergeCompleted = z.infer<typeof MergeCompleted.schema>;

/** Why a merge failed. */
export const MergeFailureReason = z.enum([
  /** Blocks missing, duplicated, with other geometry than the grid, or without an output another block has. */
  'incomplete-blocks',
  /** The message does not match the merge.requested schema. */
  'invalid-request',
  /** A block's result has the wrong shape, labels or file content. */
  'invalid-block-result',
  /** A block's result could not be read (I/O). */
  'unreadable-output',
  'internal-error',
]);
export type MergeFailureReason = z.infer<typeof MergeFailureReason>;

/** The merger could not stitch a sweep group; nothing it wrote is announced. */
export const MergeFailed = defineEvent(
  'merge.failed',
  1,
  z
    .object({
      /** The request id when it could be read, else the message's dedupe id. */
      requestId: z.string(),
      sweepId: z.string().optional(),
      group: int.min(0).optional(),
      reason: MergeFailureReason,
      message: z.string(),
      /** Every problem, one per line (`block 3: missing`). */
      details: z.array(z.string()).default([]),
      /** Whether the same request may succeed later (storage trouble) or not (bad input). */
      retryable: z.boolean(),
      failedAt: Timestamp,
    })
    .strict(),
);
export type MergeFailed = z.infer<typeof MergeFailed.schema>;
