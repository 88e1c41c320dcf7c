import type { BusLogger } from '../core/bus-logger';

/** Options of {@link InProcessBus}. */
export interface InProcessBusOptions {
  /** How long a `msgId` is remembered for deduplication, in milliseconds. Default 120000. */
  duplicateWindowMs?: number;
  /** KV buckets created by `start()` (others are created on first `kv()`). */
  kvBuckets?: string[];
  /** Where handler failures and dead letters are reported. Default: Nest's `Logger`. */
  logger?: BusLogger;
}
