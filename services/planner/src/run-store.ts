import { Inject, Injectable } from '@nestjs/common';
import { KvConflictError, type Bus, type KeyValueStore } from '@saber/bus';
import { BUS, decodeKvValue, encodeKvValue, kvKey as key, type StoredRecord } from '@saber/runtime';
import type { RunRecord } from './run-record';

/** Records larger than this (bytes of JSON) are stored gzip-compressed. */
export const COMPRESS_ABOVE_BYTES = 2 * 1024;

/**
 * A run's state does not fit in one KV value (NATS `max_payload`, 1 MiB by
 * default), even compressed.
 */
export class RunStateTooLargeError extends Error {
  override readonly name = 'RunStateTooLargeError';
  constructor(
    readonly runId: string,
    readonly bytes: number,
    options?: { cause?: unknown },
  ) {
    super(
      `the state of run ${runId} is ${bytes} bytes compressed, more than the NATS server's max_payload allows; ` +
        'raise max_payload in the nats-server configuration, or cut the sweep into several runs',
      options,
    );
  }
}

/** Serializes a record: JSON, gzip-compressed when large ({@link encodeKvValue}). */
export function encodeRecord(record: RunRecord): Uint8Array {
  return encodeKvValue(record, COMPRESS_ABOVE_BYTES);
}

/** Reads what {@link encodeRecord} wrote. */
export function decodeRecord(bytes: Uint8Array): RunRecord {
  return decodeKvValue<RunRecord>(bytes);
}

function isPayloadTooLarge(e: unknown): boolean {
  return e instanceof Error && /max_payload/i.test(e.message);
}

/** A run record and the KV revision it was read at (for compare-and-set). */
export type StoredRun = StoredRecord<RunRecord>;

/** Runs whose last written bytes are kept in memory (least recently used go first). */
const CACHE_SIZE = 1000;

/**
 * Durable planner state in JetStream KV (`saber-runs`, one record per run, written
 * with compare-and-set), so a restarted planner continues where it stopped.
 *
 * The record this planner wrote last is cached as the object itself: while it is the
 * only writer, a read costs neither a round trip nor a parse. `get` hands out that
 * object; a caller that fails between `get` and `update` must call `forget` (the
 * object may be half-changed). With several planners a cached revision may be
 * stale; the compare-and-set then fails, the entry is dropped, and the next read
 * goes to KV.
 */
@Injectable()
export class RunStore {
  private runs?: Promise<KeyValueStore>;
  private readonly cache = new Map<string, StoredRun>();

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  private kv() {
    return (this.runs ??= this.bus.kv('saber-runs'));
  }

  /** The run (the cached object: see the class comment), or null. */
  async get(runId: string): Promise<StoredRun | null> {
    const cached = this.cache.get(runId);
    if (cached) return cached;
    const got = await (await this.kv()).get(key(runId));
    if (!got) return null;
    const stored = { record: decodeRecord(got.value), revision: got.revision };
    this.remember(runId, stored);
    return stored;
  }

  /** Stores a new run; null when a run with this id already exists. */
  async create(record: RunRecord): Promise<number | null> {
    const bytes = encodeRecord(record);
    try {
      const revision = await (await this.kv()).create(key(record.runId), bytes);
      this.remember(record.runId, { record, revision });
      return revision;
    } catch (e) {
      if (e instanceof KvConflictError) return null;
      if (isPayloadTooLarge(e)) throw new RunStateTooLargeError(record.runId, bytes.length, { cause: e });
      throw e;
    }
  }

  /**
   * Compare-and-set; throws KvConflictError when another writer got there first,
   * {@link RunStateTooLargeError} when the record exceeds the server's payload limit.
   */
  async update(record: RunRecord, revision: number): Promise<number> {
    const bytes = encodeRecord(record);
    try {
      const next = await (await this.kv()).update(key(record.runId), bytes, revision);
      this.remember(record.runId, { record, revision: next });
      return next;
    } catch (e) {
      this.cache.delete(record.runId);
      if (isPayloadTooLarge(e)) throw new RunStateTooLargeError(record.runId, bytes.length, { cause: e });
      throw e;
    }
  }

  /** Drops a finished run from the cache (its record stays in KV). */
  forget(runId: string): void {
    this.cache.delete(runId);
  }

  private remember(runId: string, entry: StoredRun): void {
    this.cache.delete(runId);
    this.cache.set(runId, entry);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
  }
}
