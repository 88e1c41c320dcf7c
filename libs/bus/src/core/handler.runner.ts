import type { MessageHandler } from '../bus.port';
import { nakBackoffMs } from './bus.defaults';
import type { BusLogger } from './bus-logger';
import type { SettleOnceMessage } from './settle-once.message';

/**
 * Runs `handler` on one message with the port's rule: returning acks (unless the
 * handler settled the message), throwing naks with {@link nakBackoffMs}. Resolves once
 * the settlement is done; never rejects.
 */
export async function runHandler(
  msg: SettleOnceMessage,
  handler: MessageHandler,
  logger: BusLogger,
  consumer: string,
): Promise<void> {
  const fields = () => ({ consumer, subject: msg.subject, seq: msg.seq, deliveryCount: msg.deliveryCount });
  try {
    await handler(msg);
    if (!msg.settled) await msg.ack();
  } catch (err) {
    if (!msg.settled) {
      const delayMs = nakBackoffMs(msg.deliveryCount);
      logger.warn('bus handler failed; redelivering', { ...fields(), delayMs, error: err });
      msg.nak(delayMs);
    } else {
      logger.warn('bus handler or ack failed after the message was settled', { ...fields(), error: err });
    }
  }
  await msg.settlement();
  if (msg.settlementError !== undefined) {
    logger.error('bus could not settle a message; it will be redelivered after its ack wait', {
      ...fields(),
      error: msg.settlementError,
    });
  }
}
