import { randomBytes } from 'node:crypto';
import type { ConsumerConfig, JetStreamClient, JetStreamManager, RetentionPolicy } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import {
  ConsumerConflictError,
  MSG_ID_HEADER,
  STREAM_SUBJECTS,
  type Bus,
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
import { resolveConsumerSpec, type ResolvedConsumerSpec } from '../core/consumer-spec.util';
import { deadLetterOf, type DeadLetterSource } from '../core/dead-letter.util';
import { assertName, isDeadLetterSubject, streamOfSubject } from '../core/subject.util';
import { DeadLetterAdvisor } from './dead-letter.advisor';
import type { JetStreamBusOptions } from './jetstream-bus.options';
import { JetStreamKv } from './jetstream.kv';
import { JetStreamMessage } from './jetstream.message';
import { JetStreamSubscription } from './jetstream.subscription';
import { natsClient } from './nats.client';
import { toNatsHeaders } from './nats-headers.util';
import { WireNames } from './wire-names';

/** An ephemeral consumer left behind by a dead process is removed after this long idle, in milliseconds (at least 2 × ack wait). */
export const EPHEMERAL_INACTIVE_THRESHOLD_MS = 60_000;

/** JetStream API codes of a work-queue consumer whose filter overlaps another's. */
const WORK_QUEUE_OVERLAP_CODES = new Set([10099, 10100]);

interface Connected {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  advisor: DeadLetterAdvisor;
}

/**
 * The distributed-mode {@link Bus} on NATS JetStream (server 2.9 or later): two file
 * streams, durable or ephemeral pull consumers, dead-lettering from the consumer
 * (`term`, last `nak`) and from the server's advisories (ack-wait expiry of the last
 * delivery), KV buckets on `@nats-io/kv`.
 */
export class JetStreamBus implements Bus {
  readonly #options: JetStreamBusOptions;
  readonly #names: WireNames;
  readonly #duplicateWindowMs: number;
  readonly #logger: BusLogger;
  readonly #buckets = new Map<string, Promise<JetStreamKv>>();
  readonly #subscriptions = new Set<Subscription>();
  #connected: Promise<Connected> | undefined;
  /** The connection once {@link start} has resolved (for {@link publishUnacked}, which cannot wait). */
  #live: Connected | undefined;
  #closed = false;

  constructor(options: JetStreamBusOptions) {
    this.#options = options;
    this.#names = new WireNames(options.namespace);
    this.#duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
    if (!(this.#duplicateWindowMs > 0)) throw new RangeError(`duplicateWindowMs must be positive, got ${this.#duplicateWindowMs}`);
    (options.kvBuckets ?? []).forEach((b) => assertName('bucket', b));
    this.#logger = options.logger ?? nestBusLogger('JetStreamBus');
  }

  /** Server names of this bus's streams (`SABER_EVENTS`, or `<NS>_EVENTS` with a namespace). */
  streamName(stream: StreamName): string {
    return this.#names.stream(stream);
  }

  /** Server name of a logical KV bucket (prefixed with a namespace). */
  bucketName(bucket: string): string {
    return this.#names.bucket(bucket);
  }

  /** Connects, creates or updates both streams, subscribes to the dead-letter advisories, creates the KV buckets; idempotent. */
  async start(): Promise<void> {
    if (this.#closed) throw new Error('the bus is closed');
    this.#connected ??= this.#connect();
    let c: Connected;
    try {
      c = await this.#connected;
    } catch (err) {
      this.#connected = undefined;
      throw err;
    }
    const { RetentionPolicy } = natsClient().jetstream;
    await this.#ensureStream(c.jsm, 'events', RetentionPolicy.Limits);
    await this.#ensureStream(c.jsm, 'tasks', RetentionPolicy.Workqueue);
    c.advisor.start();
    for (const bucket of this.#options.kvBuckets ?? []) await this.kv(bucket);
    this.#live = c;
  }

  /** `js.publish` with the msgId and headers (see {@link Bus.publish}). */
  async publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck> {
    const stream = streamOfSubject(subject);
    if (!options?.msgId) throw new RangeError(`publish to "${subject}" needs options.msgId`);
    const { js } = await this.#ready();
    const headers = toNatsHeaders(options.headers);
    const ack = await js.publish(this.#names.subject(subject), data, { msgID: options.msgId, ...(headers ? { headers } : {}) });
    return { stream, seq: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * A core NATS publish with the `Nats-Msg-Id` header (see {@link Bus.publishUnacked}):
   * the stream stores and deduplicates it like any other, in order with this
   * connection's publishes, and sends no answer. Needs a started bus.
   */
  publishUnacked(subject: string, data: Uint8Array, options: PublishOptions): void {
    streamOfSubject(subject);
    if (!options?.msgId) throw new RangeError(`publish to "${subject}" needs options.msgId`);
    const c = this.#live;
    if (this.#closed || !c) throw new Error(`publish to "${subject}": the bus is ${this.#closed ? 'closed' : 'not started'}`);
    const headers = toNatsHeaders({ ...options.headers, [MSG_ID_HEADER]: options.msgId })!;
    c.nc.publish(this.#names.subject(subject), data, { headers });
  }

  /**
   * Creates or updates the pull consumer (durable, or ephemeral with an inactivity
   * threshold) and starts its pull loop (see {@link Bus.consume}).
   */
  async consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription> {
    const resolved = resolveConsumerSpec(spec);
    const { js, jsm } = await this.#ready();
    const streamName = this.#names.stream(resolved.stream);
    const logical = resolved.durable ?? `ephemeral-${randomBytes(6).toString('hex')}`;
    const serverName = this.#names.consumer(logical);
    try {
      await jsm.consumers.add(streamName, this.#consumerConfig(resolved, serverName));
    } catch (err) {
      const { JetStreamApiError } = natsClient().jetstream;
      if (err instanceof JetStreamApiError && WORK_QUEUE_OVERLAP_CODES.has(err.code)) {
        throw new ConsumerConflictError(resolved.stream, resolved.filterSubject, { cause: err });
      }
      throw err;
    }
    const consumer = await js.consumers.get(streamName, serverName);
    const delivery = {
      names: this.#names,
      stream: resolved.stream,
      consumer: logical,
      maxDeliver: resolved.maxDeliver,
      deadLetter: (source: DeadLetterSource, data: Uint8Array) => this.#deadLetter(source, data),
    };
    const subscription: Subscription = new JetStreamSubscription({
      consumer,
      name: logical,
      concurrency: resolved.concurrency,
      handler,
      wrap: (msg) => new JetStreamMessage(msg, delivery),
      logger: this.#logger,
      onStopped: async () => {
        this.#subscriptions.delete(subscription);
        if (resolved.durable === undefined) await jsm.consumers.delete(streamName, serverName).catch(() => undefined);
      },
    });
    this.#subscriptions.add(subscription);
    return subscription;
  }

  /** Opens (creating when absent) the bucket `<ns>_<bucket>` with default options. */
  async kv(bucket: string): Promise<KeyValueStore> {
    assertName('bucket', bucket);
    const { js } = await this.#ready();
    let kv = this.#buckets.get(bucket);
    if (!kv) {
      const { Kvm } = natsClient().kv;
      kv = new Kvm(js).create(this.#names.bucket(bucket)).then((b) => new JetStreamKv(bucket, b));
      this.#buckets.set(bucket, kv);
      kv.catch(() => this.#buckets.delete(bucket));
    }
    return kv;
  }

  /** Stops the subscriptions and the advisor, then drains the connection. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const connected = this.#connected;
    await Promise.all([...this.#subscriptions].map((s) => s.stop()));
    if (!connected) return;
    const c = await connected.catch(() => undefined);
    if (!c) return;
    await c.advisor.stop();
    await c.nc.drain();
  }

  async #connect(): Promise<Connected> {
    const { transport, jetstream: { jetstream, jetstreamManager } } = natsClient();
    const nc = await transport.connect({
      servers: this.#options.servers,
      ...(this.#options.name ? { name: this.#options.name } : {}),
      // Without this, every publish and request allocates an Error to keep its async
      // stack: about a fifth of a busy planner's CPU. Our errors name their subject.
      noAsyncTraces: true,
    });
    try {
      const jsm = await jetstreamManager(nc);
      const js = jetstream(nc);
      const advisor = new DeadLetterAdvisor(nc, jsm, this.#names, (s, d) => this.#deadLetter(s, d), this.#logger);
      return { nc, js, jsm, advisor };
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  async #ready(): Promise<Connected> {
    if (this.#closed) throw new Error('the bus is closed');
    if (!this.#connected) throw new Error('JetStreamBus.start() must resolve first');
    return this.#connected;
  }

  async #ensureStream(jsm: JetStreamManager, stream: StreamName, retention: RetentionPolicy): Promise<void> {
    const { core: { nanos }, jetstream: { JetStreamApiError, StorageType } } = natsClient();
    const name = this.#names.stream(stream);
    const update = { subjects: [this.#names.subject(`${STREAM_SUBJECTS[stream]}.>`)], duplicate_window: nanos(this.#duplicateWindowMs) };
    try {
      await jsm.streams.add({ name, retention, storage: StorageType.File, ...update });
    } catch (err) {
      // 10058: the stream exists with another configuration; bring the updatable part up to date.
      if (!(err instanceof JetStreamApiError && err.code === 10058)) throw err;
      const info = await jsm.streams.info(name);
      if (info.config.retention !== retention) {
        throw new Error(`stream ${name} exists with ${info.config.retention} retention, expected ${retention}`, { cause: err });
      }
      await jsm.streams.update(name, { ...info.config, ...update });
    }
  }

  #consumerConfig(spec: ResolvedConsumerSpec, serverName: string): Partial<ConsumerConfig> {
    const { core: { nanos }, jetstream: { AckPolicy, DeliverPolicy } } = natsClient();
    const base: Partial<ConsumerConfig> = {
      ack_policy: AckPolicy.Explicit,
      ack_wait: nanos(spec.ackWaitMs),
      max_deliver: spec.maxDeliver,
      filter_subject: this.#names.subject(spec.filterSubject),
    };
    if (spec.durable !== undefined) return { ...base, durable_name: serverName, deliver_policy: DeliverPolicy.All };
    return {
      ...base,
      name: serverName,
      deliver_policy: spec.deliver === 'all' ? DeliverPolicy.All : DeliverPolicy.New,
      inactive_threshold: nanos(Math.max(EPHEMERAL_INACTIVE_THRESHOLD_MS, 2 * spec.ackWaitMs)),
    };
  }

  async #deadLetter(source: DeadLetterSource, data: Uint8Array): Promise<void> {
    const fields = { stream: source.stream, seq: source.seq, subject: source.subject, consumer: source.consumer, reason: source.reason };
    if (isDeadLetterSubject(source.subject)) {
      this.#logger.error('bus gave up on a dead letter; it is not dead-lettered again', fields);
      return;
    }
    const letter = deadLetterOf(source);
    const { js } = await this.#ready();
    const ack = await js.publish(this.#names.subject(letter.subject), data, {
      msgID: letter.msgId,
      headers: toNatsHeaders(letter.headers)!,
    });
    if (!ack.duplicate) this.#logger.warn('bus dead-lettered a message', { ...fields, deadLetterSubject: letter.subject });
  }
}
