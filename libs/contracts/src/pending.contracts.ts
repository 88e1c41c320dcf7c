import { z } from 'zod';
import { Id, Timestamp } from './common.schema';
import { defineEvent } from './contract';

/**
 * Requests of the blocker, merger and optimizer. Their full schemas arrive with those
 * services' logic; until then each service answers every request with its
 * `.rejected` partner (reason `not-implemented`), so a client is never left waiting.
 */
const PendingRequest = z.object({ requestId: Id }).passthrough();

/** Why a blocker/merger/optimizer request was refused. */
const ServiceRejection = z
  .object({
    requestId: z.string(),
    reason: z.enum(['not-implemented', 'invalid-request']),
    message: z.string(),
    rejectedAt: Timestamp,
  })
  .strict();

/** A block sweep over a volume (blocker). */
export const SweepRequested = defineEvent('sweep.requested', 1, PendingRequest);
export const SweepRejected = defineEvent('sweep.rejected', 1, ServiceRejection);
/** Stitching of finished blocks (merger). */
export const MergeRequested = defineEvent('merge.requested', 1, PendingRequest);
export const MergeRejected = defineEvent('merge.rejected', 1, ServiceRejection);
/** A hyperparameter study (optimizer). */
export const StudyRequested = defineEvent('study.requested', 1, PendingRequest);
export const StudyRejected = defineEvent('study.rejected', 1, ServiceRejection);
