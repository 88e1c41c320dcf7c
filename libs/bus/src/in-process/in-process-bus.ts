import {
  ConsumerConflictError,
  type Bus,
  type BusHeaders,
  type ConsumerSpec,
  type KeyValueStore,
  type MessageHandler,
  type PublishAck,
  type PublishOptions,
  type StreamName,
  type Subscription,
} from '../bus.port';
import { DEFAULT_DUPLICATE_WINDOW_MS } from '../core/bus.defaults';
import { nestBusLogger, type BusLogger } from '../core/bus-logger';
import { resolveConsumerSpec } from '../core/consumer-spec.util';
import { deadLetterOf } from '../core/dead-letter.util';
import { assertName, filtersCollide, isDeadLetterSubject, streamOfSubject } from '../core/subject.util';
import { InProcessConsumer, type ConsumerHost } from './in-process.consumer';
import { InProcessKv } from './in-process.kv';
import { InProcessStream, type StoredMessage } from './in-process.stream';
import type { InProcessBusOptions } from './in-process-bus.options';
import { TimerRegistry } from './timer.registry';

/**
 * The embedded-mode {@link Bus}: the port's semantics in memory, in one process.
 * Messages do not survive the process; everything else (dedupe, shared durable
 * cursors, ack wait, redelivery, dead letters, work-queue removal, KV CAS) behaves as
 * on {@link JetStreamBus}.
 */
export class InProcessBus implements Bus {
  readonly #timers = new TimerRegistry();
  readonly #logger: BusLogger;
  readonly #host: ConsumerHost;
  readonly #streams: Record<StreamName, InProcessStream>;
  readonly #buckets = new Map<string, InProcessKv>();
  readonly #subscriptions = new Set<Subscription>();
  readonly #kvBuckets: string[];
  #ephemeralIds = 0;
  #started = false;
  #closed = false;

  constructor(options: InProcessBusOptions = {}) {
    const window = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    if (!(window > 0)) throw new RangeError(`duplicateWindowMs must be positive, got ${window}`);
    this.#streams = {
      events: new InProcessStream('events', false, window),
      tasks: new InProcessStream('tasks', true, window),
    };
    this.#kvBuckets = options.kvBuckets ?? [];
    this.#kvBuckets.forEach((b) => assertName('bucket', b));
    this.#logger = options.logger ?? nestBusLogger('InProcessBus');
    this.#host = {
      timers: this.#timers,
      logger: this.#logger,
      deadLetter: (stream, msg, consumer, reason) => this.#deadLetter(stream, msg, consumer, reason),
    };
  }

  /** Creates the KV buckets of the options; publish, consume and kv work once it resolved. */
  async start(): Promise<void> {
    if (this.#closed) throw new Error('the bus is closed');
    this.#started = true;
    for (const bucket of this.#kvBuckets) await this.kv(bucket);
  }

  /** Stores the message in memory (see {@link Bus.publish}). */
  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck> {
    this.#assertOpen();
    const stream = streamOfSubject(subject);
    if (!options?.msgId) throw new RangeError(`publish to "${subject}" needs options.msgId`);
    return { stream, ...this.#append(this.#streams[stream], subject, data, options.headers ?? {}, options.msgId) };
  }

  /** See {@link Bus.publishUnacked}: in memory, the same as {@link publish}. */
  publishUnacked(subject: string, data: Uint8Array, options: PublishOptions): void {
    this.#assertOpen();
    const stream = streamOfSubject(subject);
    if (!options?.msgId) throw new RangeError(`publish to "${subject}" needs options.msgId`);
    this.#append(this.#streams[stream], subject, data, options.headers ?? {}, options.msgId);
  }

  /** Attaches a worker to the named (or a new ephemeral) consumer (see {@link Bus.consume}). */
  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription> {
    this.#assertOpen();
    const resolved = resolveConsumerSpec(spec);
    const stream = this.#streams[resolved.stream];
    const name = resolved.durable ?? `ephemeral-${++this.#ephemeralIds}`;
    const settings = {
      filterSubject: resolved.filterSubject,
      ackWaitMs: resolved.ackWaitMs,
      maxDeliver: resolved.maxDeliver,
    };
    let consumer = stream.consumers.get(name);
    if (stream.workQueue) {
      for (const other of stream.consumers.values()) {
        if (other !== consumer && filtersCollide(other.settings.filterSubject, settings.filterSubject)) {
          throw new ConsumerConflictError(stream.name, settings.filterSubject);
        }
      }
    }
    if (consumer) consumer.settings = settings;
    else {
      consumer = new InProcessConsumer(name, stream, settings, resolved.deliver, this.#host);
      stream.consumers.set(name, consumer);
    }
    const owner = consumer;
    const worker = owner.attach(handler, resolved.concurrency);
    let stopped: Promise<void> | undefined;
    const subscription: Subscription = {
      stop: () =>
        (stopped ??= (async () => {
          await owner.detach(worker);
          this.#subscriptions.delete(subscription);
          if (resolved.durable === undefined) {
            owner.close();
            stream.consumers.delete(name);
          }
        })()),
    };
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** Opens an in-memory bucket, creating it when absent. */
  async kv(bucket: string): Promise<KeyValueStore> {
    this.#assertOpen();
    assertName('bucket', bucket);
    let kv = this.#buckets.get(bucket);
    if (!kv) this.#buckets.set(bucket, (kv = new InProcessKv(bucket)));
    return kv;
  }

  /** Stops every subscription (waiting for handlers in flight) and clears every timer. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    for (const stream of Object.values(this.#streams)) {
      for (const consumer of stream.consumers.values()) consumer.close();
    }
    this.#timers.clearAll();
  }

  #deadLetter(stream: InProcessStream, msg: StoredMessage, consumer: string, reason: string): void {
    const fields = { stream: stream.name, seq: msg.seq, subject: msg.subject, consumer, reason };
    if (isDeadLetterSubject(msg.subject)) {
      this.#logger.error('bus gave up on a dead letter; it is not dead-lettered again', fields);
      return;
    }
    const letter = deadLetterOf({ stream: stream.name, seq: msg.seq, subject: msg.subject, headers: { ...msg.headers }, consumer, reason });
    this.#append(this.#streams.events, letter.subject, msg.data, letter.headers, letter.msgId);
    this.#logger.warn('bus dead-lettered a message', { ...fields, deadLetterSubject: letter.subject });
  }

  #append(stream: InProcessStream, subject: string, data: Uint8Array, headers: BusHeaders, msgId: string) {
    const ack = stream.append(subject, data, headers, msgId);
    if (!ack.duplicate) for (const consumer of stream.consumers.values()) consumer.schedulePump();
    return ack;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the bus is closed');
    if (!this.#started) throw new Error('InProcessBus.start() must resolve first');
  }
}
