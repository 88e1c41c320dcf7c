/**
 * The bus port: the one interface every SABER service uses to talk to the others.
 *
 * Two implementations exist: {@link JetStreamBus} (NATS JetStream, distributed mode)
 * and {@link InProcessBus} (embedded mode). Both pass the same contract test suite
 * (`bus.contract.ts`), so service code cannot tell them apart.
 *
 * Semantics (both implementations):
 * - Two streams: `events` (subjects `saber.events.>`, limits retention: every
 *   consumer sees every message) and `tasks` (subjects `saber.tasks.>`, work-queue
 *   retention: a message is removed once acknowledged, and every consumer of one
 *   filter shares the work).
 * - `publish` resolves only once the message is durably stored; a second publish
 *   with the same `msgId` inside the duplicate window is dropped and reported as
 *   `duplicate: true`.
 * - Durable consumers are named: every `consume` with the same `durable` shares one
 *   cursor (replicas split the messages). Messages not acknowledged within `ackWaitMs`
 *   (or `nak`ed) are redelivered, at most `maxDeliver` deliveries in total; a message
 *   that exhausts them is copied to the dead-letter subject `saber.events.dlq.<original subject>`
 *   (on the events stream) and removed from its stream.
 */

/** Headers travelling with every message. Keys are case-sensitive NATS header names. */
export type BusHeaders = Record<string, string>;

/** The streams the bus creates at start-up. */
export type StreamName = 'events' | 'tasks';

/** Subject roots of the streams; every subject published must start with one of them. */
export const STREAM_SUBJECTS: Readonly<Record<StreamName, string>> = {
  events: 'saber.events',
  tasks: 'saber.tasks',
};

/** Root of dead-letter subjects: a dead letter of subject S is published as `saber.events.dlq.S`. */
export const DEAD_LETTER_PREFIX = 'saber.events.dlq';

/** Header that carries the JetStream deduplication id. */
export const MSG_ID_HEADER = 'Nats-Msg-Id';

/** Options of one publish. */
export interface PublishOptions {
  /** Deduplication id (sent as the `Nats-Msg-Id` header). Required for every SABER message. */
  msgId: string;
  /** Extra headers (trace context, schema name). */
  headers?: BusHeaders;
}

/** What the stream answered to a publish. */
export interface PublishAck {
  /** The stream that stored the message. */
  stream: StreamName;
  /** Stream sequence of the stored message (of the original, for a duplicate). */
  seq: number;
  /** True when the message was dropped as a duplicate of an earlier `msgId`. */
  duplicate: boolean;
}

/** One delivered message. Exactly one of ack / nak / term settles it. */
export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  /** Stream sequence number. */
  readonly seq: number;
  /** 1 on first delivery, 2 on the first redelivery, ... */
  readonly deliveryCount: number;
  /** Parses `data` as UTF-8 JSON; throws SyntaxError on malformed JSON. */
  json<T = unknown>(): T;
  /** Done: the message is not delivered to this consumer again (removed from a work queue). */
  ack(): Promise<void>;
  /** Not done: redeliver after `delayMs` (default: at once). Counts as a delivery. */
  nak(delayMs?: number): void;
  /** Never redeliver; the message is dead-lettered with `reason`. */
  term(reason?: string): void;
  /** Still working: resets the ack-wait timer. Call periodically during long work. */
  working(): void;
}

/** Where a consumer reads and how it redelivers. */
export interface ConsumerSpec {
  stream: StreamName;
  /** Durable name shared by replicas. Omitted: an ephemeral consumer of this process only. */
  durable?: string;
  /** Subject filter, NATS wildcards allowed (`saber.events.step.>`). */
  filterSubject: string;
  /**
   * Ephemeral consumers of `events` only: start at 'new' messages (default) or replay 'all'.
   * Durables start at the first message; consumers of `tasks` always get every pending
   * task (NATS requires deliver-all on a work queue), so 'new' is rejected there.
   */
  deliver?: 'all' | 'new';
  /** Redeliver a message not settled within this many milliseconds. Default 30000. */
  ackWaitMs?: number;
  /** Deliveries in total before dead-lettering. Default 5. */
  maxDeliver?: number;
  /** Messages this process handles at once (per consume call). Default 1. */
  concurrency?: number;
}

/**
 * Handles one message. Returning normally acks it (unless the handler settled it
 * itself); throwing naks it for redelivery.
 */
export type MessageHandler = (msg: BusMessage) => Promise<void>;

/** A running consumer. */
export interface Subscription {
  /** Stops fetching; waits for handlers in flight to finish. */
  stop(): Promise<void>;
}

/** A key-value bucket with optimistic concurrency (NATS KV semantics). */
export interface KeyValueStore {
  /** The value and its revision, or null when absent (or deleted). */
  get(key: string): Promise<{ value: Uint8Array; revision: number } | null>;
  /** Writes unconditionally; returns the new revision. */
  put(key: string, value: Uint8Array): Promise<number>;
  /** Writes only if the key does not exist; throws {@link KvConflictError} otherwise. */
  create(key: string, value: Uint8Array): Promise<number>;
  /**
   * Writes only if the current revision equals `revision` (a positive integer from
   * `get`/`put`/`create`; RangeError otherwise); throws {@link KvConflictError} otherwise.
   */
  update(key: string, value: Uint8Array, revision: number): Promise<number>;
  /** Removes the key (a delete marker: `get` answers null, `create` works again). */
  delete(key: string): Promise<void>;
  /** Keys currently present. */
  keys(): Promise<string[]>;
}

/** The port. */
export interface Bus {
  /** Creates the streams, the KV buckets it is asked for and the dead-letter plumbing; idempotent. */
  start(): Promise<void>;
  /** Stores a message; rejects with {@link InvalidSubjectError} outside both stream roots. */
  publish(subject: string, data: Uint8Array, options: PublishOptions): Promise<PublishAck>;
  /**
   * Publishes without waiting for the stream's answer: same subject rules, `msgId` and
   * headers, and stored in order with this bus's other publishes, but a message the
   * stream refuses or loses is not reported. For events whose loss costs nothing but
   * the event (step.started); it saves the acknowledgement round trip.
   */
  publishUnacked(subject: string, data: Uint8Array, options: PublishOptions): void;
  /** Creates (or updates) the consumer and starts handling its messages. */
  consume(spec: ConsumerSpec, handler: MessageHandler): Promise<Subscription>;
  /** Opens a KV bucket, creating it when absent. Bucket names: letters, digits, `-`, `_`. */
  kv(bucket: string): Promise<KeyValueStore>;
  /** Stops every subscription and closes the connection. */
  close(): Promise<void>;
}

/** A subject, filter or name does not fit the bus (outside both stream roots, bad tokens). */
export class InvalidSubjectError extends Error {
  override readonly name = 'InvalidSubjectError';
  constructor(
    readonly subject: string,
    reason: string,
  ) {
    super(`invalid subject "${subject}": ${reason}`);
  }
}

/**
 * A consumer cannot be created: on the work queue its filter contains, or is contained
 * in, the filter of another consumer (replicas must share one durable instead).
 */
export class ConsumerConflictError extends Error {
  override readonly name = 'ConsumerConflictError';
  constructor(
    readonly stream: StreamName,
    readonly filterSubject: string,
    options?: { cause?: unknown },
  ) {
    super(
      `a consumer of "${filterSubject}" overlaps another consumer on the ${stream} work queue; replicas must share one durable`,
      options,
    );
  }
}

/** A conditional KV write lost a race. */
export class KvConflictError extends Error {
  override readonly name = 'KvConflictError';
  constructor(
    readonly bucket: string,
    readonly key: string,
    options?: { cause?: unknown },
  ) {
    super(`key "${key}" in bucket "${bucket}" was changed concurrently`, options);
  }
}
