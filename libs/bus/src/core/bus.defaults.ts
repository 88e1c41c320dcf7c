/** Defaults of {@link ConsumerSpec} and of the bus options, with their units. */

/** Ack wait of a consumer when `ackWaitMs` is omitted, in milliseconds. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

/** Deliveries in total before dead-lettering when `maxDeliver` is omitted. */
export const DEFAULT_MAX_DELIVER = 5;

/** Messages handled at once per `consume` call when `concurrency` is omitted. */
export const DEFAULT_CONCURRENCY = 1;

/** How long a `msgId` is remembered for deduplication, in milliseconds. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 120_000;

/** First redelivery delay after a handler throws, in milliseconds; doubles per delivery. */
export const NAK_BACKOFF_BASE_MS = 100;

/** Upper bound of the redelivery delay after a handler throws, in milliseconds. */
export const NAK_BACKOFF_MAX_MS = 5_000;

/** Header of a dead letter: why it was dead-lettered (`max_deliver`, `terminated`, or the `term` reason). */
export const DLQ_REASON_HEADER = 'Saber-Dlq-Reason';

/** Header of a dead letter: the consumer (durable name, or ephemeral id) that gave up. */
export const DLQ_CONSUMER_HEADER = 'Saber-Dlq-Consumer';

/** Header of a dead letter: the stream (`events` or `tasks`) of the original message. */
export const DLQ_STREAM_HEADER = 'Saber-Dlq-Stream';

/** Header of a dead letter: the stream sequence of the original message. */
export const DLQ_SEQ_HEADER = 'Saber-Dlq-Seq';

/** Reason recorded when a message exhausted `maxDeliver`. */
export const DLQ_REASON_MAX_DELIVER = 'max_deliver';

/** Reason recorded when a message was `term`ed without a reason. */
export const DLQ_REASON_TERMINATED = 'terminated';

/** Redelivery delay after the `deliveryCount`-th delivery threw, in milliseconds. */
export function nakBackoffMs(deliveryCount: number): number {
  return Math.min(NAK_BACKOFF_BASE_MS * 2 ** Math.max(0, deliveryCount - 1), NAK_BACKOFF_MAX_MS);
}
