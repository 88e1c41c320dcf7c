import { z } from 'zod';
import { Timestamp } from './common.schema';
import { defineEvent } from './contract';

/**
 * Requests of the merger whose logic is not written yet: it answers every request
 * with its `.rejected` partner (reason `not-implemented`), so a client is never left
 * waiting. (`merge.requested` has its schema in `sweep.contracts.ts`, where the
 * blocker publishes it.) The optimizer's study contracts are in `study.contracts.ts`.
 */

/** Why a merger request was refused. */
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
