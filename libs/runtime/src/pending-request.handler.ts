import { Logger } from '@nestjs/common';
import type { BusMessage } from '@saber/bus';
import type { Contract } from '@saber/contracts';
import type { z } from 'zod';
import type { EventPublisher } from './event-publisher';

/**
 * Answers a request a service cannot serve yet with its `.rejected` partner
 * (reason `not-implemented`, or `invalid-request` when it does not even parse),
 * so that the requester gets a definite answer instead of silence.
 */
export async function rejectPendingRequest(
  publisher: EventPublisher,
  rejected: Contract<z.ZodType>,
  msg: BusMessage,
  what: string,
): Promise<void> {
  let requestId = msg.headers['Nats-Msg-Id'] ?? `seq-${msg.seq}`;
  let reason: 'not-implemented' | 'invalid-request' = 'not-implemented';
  let message = `${what} is not available in this SABER version`;
  try {
    const body = msg.json<{ requestId?: unknown }>();
    if (typeof body?.requestId === 'string') requestId = body.requestId;
    else throw new Error('requestId is missing');
  } catch (e) {
    reason = 'invalid-request';
    message = `request is malformed: ${(e as Error).message}`;
  }
  new Logger('runtime').warn(`request ${requestId} on ${msg.subject} rejected: ${message}`);
  await publisher.publish(rejected, { requestId, reason, message, rejectedAt: new Date().toISOString() }, { msgId: `${requestId}:rejected` });
}
