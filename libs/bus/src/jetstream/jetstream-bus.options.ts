import type { BusLogger } from '../core/bus-logger';

/** Options of {@link JetStreamBus}. */
export interface JetStreamBusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`). */
  name?: string;
  /**
   * Isolates buses that share one server (tests): streams become `<NS>_EVENTS` /
   * `<NS>_TASKS` (NS upper-cased), wire subjects get the prefix `<ns>.`, durable
   * consumers and KV buckets the prefix `<ns>_`. Handlers always see logical subjects.
   * Letters, digits, `-` and `_`. Default: none (`SABER_EVENTS`, `SABER_TASKS`).
   */
  namespace?: string;
  /** JetStream duplicate window of both streams, in milliseconds. Default 120000. */
  duplicateWindowMs?: number;
  /** KV buckets created by `start()` (others are created on first `kv()`). */
  kvBuckets?: string[];
  /** Where handler failures and dead letters are reported. Default: Nest's `Logger`. */
  logger?: BusLogger;
}
