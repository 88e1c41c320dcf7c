import { Inject, Injectable } from '@nestjs/common';
import { KvConflictError, type Bus, type KeyValueStore } from '@saber/bus';
import { BUS } from '@saber/runtime';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { IterationResult, SweepRecord } from './sweep-record';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** KV bucket of the blocker's state. */
export const SWEEP_BUCKET = 'saber-sweeps';

/** Values larger than this (bytes of JSON) are stored gzip-compressed. */
const COMPRESS_ABOVE_BYTES = 16 * 1024;

/** Iteration results read at once when a sweep ends. */
const READ_CONCURRENCY = 64;

function encode(value: unknown): Uint8Array {
  const json = enc.encode(JSON.stringify(value));
  return json.length > COMPRESS_ABOVE_BYTES ? gzipSync(json, { level: 1 }) : json;
}

function decode<T>(bytes: Uint8Array): T {
  const gz = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return JSON.parse(dec.decode(gz ? gunzipSync(bytes) : bytes)) as T;
}

/** KV keys allow `[-/_=.a-zA-Z0-9]`: sweep ids are base64url-encoded. */
function sweepKey(sweepId: string): string {
  return Buffer.from(sweepId, 'utf8').toString('base64url');
}

/** A sweep record and the KV revision it was read at (for compare-and-set). */
export interface StoredSweep {
  record: SweepRecord;
  revision: number;
}

/**
 * The blocker's durable state in JetStream KV (`saber-sweeps`): one record per sweep
 * under `<base64url(sweepId)>`, written with compare-and-set, and one result per
 * completed iteration under `<base64url(sweepId)>.r.<index>` (written once, so the
 * record stays small). A restarted blocker continues where it stopped.
 */
@Injectable()
export class SweepStore {
  private bucket?: Promise<KeyValueStore>;

  constructor(@Inject(BUS) private readonly bus: Bus) {}

  private kv() {
    return (this.bucket ??= this.bus.kv(SWEEP_BUCKET));
  }

  /** The sweep, or null. */
  async get(sweepId: string): Promise<StoredSweep | null> {
    const got = await (await this.kv()).get(sweepKey(sweepId));
    return got ? { record: decode<SweepRecord>(got.value), revision: got.revision } : null;
  }

  /** Stores a new sweep; false when one with this id exists. */
  async create(record: SweepRecord): Promise<boolean> {
    try {
      await (await this.kv()).create(sweepKey(record.sweepId), encode(record));
      return true;
    } catch (e) {
      if (e instanceof KvConflictError) return false;
      throw e;
    }
  }

  /** Compare-and-set; throws KvConflictError when another writer got there first. */
  async update(record: SweepRecord, revision: number): Promise<number> {
    return (await this.kv()).update(sweepKey(record.sweepId), encode(record), revision);
  }

  /** Stores what iteration `index` produced (idempotent: a replay writes the same value). */
  async putResult(sweepId: string, index: number, result: IterationResult): Promise<void> {
    await (await this.kv()).put(`${sweepKey(sweepId)}.r.${index}`, encode(result));
  }

  /** The results of iterations `indexes`, in that order (null where none is stored). */
  async results(sweepId: string, indexes: number[]): Promise<Array<IterationResult | null>> {
    const kv = await this.kv();
    const out = new Array<IterationResult | null>(indexes.length).fill(null);
    for (let from = 0; from < indexes.length; from += READ_CONCURRENCY) {
      await Promise.all(
        indexes.slice(from, from + READ_CONCURRENCY).map(async (index, k) => {
          const got = await kv.get(`${sweepKey(sweepId)}.r.${index}`);
          out[from + k] = got ? decode<IterationResult>(got.value) : null;
        }),
      );
    }
    return out;
  }
}
