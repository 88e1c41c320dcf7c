import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription as NatsSubscription } from '@nats-io/nats-core';
import type { StreamName } from '../bus.port';
import { DLQ_REASON_MAX_DELIVER, DLQ_REASON_TERMINATED } from '../core/bus.defaults';
import type { BusLogger } from '../core/bus-logger';
import type { DeadLetterSource } from '../core/dead-letter.util';
import { fromNatsHeaders } from './nats-headers.util';
import type { WireNames } from './wire-names';

/** The fields of a `MAX_DELIVERIES` / `MSG_TERMINATED` advisory that the advisor reads. */
interface ConsumerAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
}

/**
 * Dead-letters what the server gives up on: it listens to the
 * `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES` and `MSG_TERMINATED` advisories of the
 * bus's streams in a queue group (one process of the namespace handles each), copies
 * the message (fetched by stream sequence) to its dead-letter subject, and deletes it
 * from the work queue. A nats-server 2.9 keeps a work-queue message that reached
 * `max_deliver`; without this it would stay forever.
 */
export class DeadLetterAdvisor {
  readonly #subs: NatsSubscription[] = [];
  readonly #work = new Set<Promise<void>>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly names: WireNames,
    private readonly publish: (source: DeadLetterSource, data: Uint8Array) => Promise<void>,
    private readonly logger: BusLogger,
  ) {}

  /** Subscribes to the advisories (idempotent). */
  start(): void {
    if (this.#subs.length > 0) return;
    const queue = `${this.names.consumer('saber')}-dead-letters`;
    for (const stream of ['events', 'tasks'] as StreamName[]) {
      for (const [event, reason] of [
        ['MAX_DELIVERIES', DLQ_REASON_MAX_DELIVER],
        ['MSG_TERMINATED', DLQ_REASON_TERMINATED],
      ] as const) {
        const subject = `$JS.EVENT.ADVISORY.CONSUMER.${event}.${this.names.stream(stream)}.*`;
        this.#subs.push(
          this.nc.subscribe(subject, {
            queue,
            callback: (err, msg) => {
              if (err) return;
              const work = this.#handle(stream, reason, msg.json<ConsumerAdvisory>()).finally(() => this.#work.delete(work));
              this.#work.add(work);
            },
          }),
        );
      }
    }
  }

  /** Unsubscribes and waits for the dead letters being written. */
  async stop(): Promise<void> {
    for (const sub of this.#subs.splice(0)) sub.unsubscribe();
    while (this.#work.size > 0) await Promise.all([...this.#work]);
  }

  async #handle(stream: StreamName, reason: string, advisory: ConsumerAdvisory): Promise<void> {
    const fields = { stream, seq: advisory.stream_seq, consumer: advisory.consumer, reason };
    try {
      const stored = await this.jsm.streams.getMessage(advisory.stream, { seq: advisory.stream_seq });
      if (!stored) return; // already removed (a termed work-queue message was dead-lettered by its consumer)
      await this.publish(
        {
          stream,
          seq: advisory.stream_seq,
          subject: this.names.logicalSubject(stored.subject),
          headers: fromNatsHeaders(stored.header),
          consumer: this.names.logicalConsumer(advisory.consumer),
          reason,
        },
        stored.data,
      );
      if (stream === 'tasks') await this.jsm.streams.deleteMessage(advisory.stream, advisory.stream_seq, false);
    } catch (err) {
      if (isNotFound(err)) return;
      this.logger.error('bus could not dead-letter a message', { ...fields, error: err });
    }
  }
}

function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 10037;
}
