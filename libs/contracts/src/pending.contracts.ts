import { z } from 'zod';
import { Id, Timestamp } from './common.schema';
import { defineEvent } from './contract';

/**
 * Requests of the merger and optimizer whose logic is not written yet: each service
 * answers every request with its `.rejected` partner (reason `not-implemented`), so a
 * client is never left waiting. (`merge.requested` has its schema in
 * `sweep.contracts.ts`, where the blocker publishes it; the merger still rejects it.)
 */
const PendingRequest = z.object({ requestId: Id }).passthrough();

/** Why a merger/optimizer request was refused. */
const ServiceRejection = z
  .object({
    requestId: z.string(),
    reason: z.enum(['not-implemented', 'invalid-request']),
    message: z.string(),
    rejectedAt: Timestamp,
  })
  .strict();

/** The merger refused to stitch a sweep's blocks. */
export const MergeRejected = defineEvent('merge.rejected', 1, ServiceRejection);
/** A hyperparameter study (optimizer). */
export const StudyRequested = defineEvent('study.requested', 1, PendingRequest);
export const StudyRejected = defineEvent('study.rejected', 1, ServiceRejection);
