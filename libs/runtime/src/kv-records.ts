import { KvConflictError, type Bus, type KeyValueStore } from '@saber/bus';
import { gunzipSync, gzipSync } from 'node:zlib';

const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * `value` as JSON, gzip-compressed (level 1: fast) when longer than `compressAbove` bytes.
 * Records of many similar entries (a scatter's results, a sweep's iterations) shrink 5-20×,
 * which keeps writes cheap and large states under the NATS server's payload limit.
 */
export function encodeKvValue(value: unknown, compressAbove: number): Uint8Array {
  const json = enc.encode(JSON.stringify(value));
  return json.length > compressAbove ? gzipSync(json, { level: 1 }) : json;
}

/** Reads what {@link encodeKvValue} wrote (plain JSON or gzip, told apart by gzip's magic bytes). */
export function decodeKvValue<T>(bytes: Uint8Array): T {
  const gz = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return JSON.parse(dec.decode(gz ? gunzipSync(bytes) : bytes)) as T;
}

/** The KV key of an id: keys allow `[-/_=.a-zA-Z0-9]`, so ids are base64url-encoded. */
export function kvKey(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

/** A record and the KV revision it was read at (for compare-and-set). */
export interface StoredRecord<T> {
  record: T;
  revision: number;
}

/**
 * A service's records of one kind in a JetStream KV bucket: one per id under
 * {@link kvKey}`(id)`, written with compare-and-set, values from {@link encodeKvValue}. Entries
 * that belong to a record (written once, so the record stays small) go under
 * `kvKey(id).<suffix>`; {@link ids} lists the records only.
 */
export class KvRecordStore<T> {
  private bucket?: Promise<KeyValueStore>;

  constructor(
    protected readonly bus: Bus,
    readonly bucketName: string,
    private readonly idOf: (record: T) => string,
    private readonly compressAbove = 16 * 1024,
  ) {}

  protected kv(): Promise<KeyValueStore> {
    return (this.bucket ??= this.bus.kv(this.bucketName));
  }

  /** The record, or null. */
  async get(id: string): Promise<StoredRecord<T> | null> {
    const got = await (await this.kv()).get(kvKey(id));
    return got ? { record: decodeKvValue<T>(got.value), revision: got.revision } : null;
  }

  /** Stores a new record; false when one with its id exists. */
  async create(record: T): Promise<boolean> {
    try {
      await (await this.kv()).create(kvKey(this.idOf(record)), encodeKvValue(record, this.compressAbove));
      return true;
    } catch (e) {
      if (e instanceof KvConflictError) return false;
      throw e;
    }
  }

  /** Compare-and-set; throws KvConflictError when another writer got there first. */
  async update(record: T, revision: number): Promise<number> {
    return (await this.kv()).update(kvKey(this.idOf(record)), encodeKvValue(record, this.compressAbove), revision);
  }

  /**
   * Read, change, compare-and-set: `change` gets the stored record, may change it (and publish
   * what must precede the write), and returns what to do once the write has landed, or
   * undefined to write nothing. When another writer got there first, everything runs again on
   * the newer record, at most `retries` times. Nothing happens when there is no record.
   */
  async modify(id: string, change: (record: T) => Promise<(() => Promise<void> | void) | undefined>, retries = 20): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.get(id);
      if (!stored) return;
      const after = await change(stored.record);
      if (!after) return;
      try {
        await this.update(stored.record, stored.revision);
      } catch (e) {
        if (e instanceof KvConflictError && attempt < retries) continue;
        throw e;
      }
      await after();
      return;
    }
  }

  /** Ids of every stored record. */
  async ids(): Promise<string[]> {
    const keys = await (await this.kv()).keys();
    return keys.filter((k) => !k.includes('.')).map((k) => Buffer.from(k, 'base64url').toString('utf8'));
  }

  /** Stores an entry of record `id` (idempotent: a replay writes the same value). */
  protected async putEntry(id: string, suffix: string, value: unknown): Promise<void> {
    await (await this.kv()).put(`${kvKey(id)}.${suffix}`, encodeKvValue(value, this.compressAbove));
  }

  /** An entry of record `id`, or null. */
  protected async getEntry<V>(id: string, suffix: string): Promise<V | null> {
    const got = await (await this.kv()).get(`${kvKey(id)}.${suffix}`);
    return got ? decodeKvValue<V>(got.value) : null;
  }
}
