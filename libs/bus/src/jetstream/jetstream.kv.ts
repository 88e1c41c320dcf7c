import type { KV } from '@nats-io/kv';
import { KvConflictError, type KeyValueStore } from '../bus.port';
import { assertKvKey, assertRevision } from '../core/kv.util';
import { natsClient } from './nats.client';

/** A {@link KeyValueStore} over a NATS KV bucket; wrong-last-sequence answers become {@link KvConflictError}. */
export class JetStreamKv implements KeyValueStore {
  constructor(
    /** Logical bucket name. */
    readonly bucket: string,
    private readonly kv: KV,
  ) {}

  async get(key: string): Promise<{ value: Uint8Array; revision: number } | null> {
    assertKvKey(key);
    const e = await this.kv.get(key);
    return e && e.operation === 'PUT' ? { value: e.value, revision: e.revision } : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    assertKvKey(key);
    return this.kv.put(key, value);
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    assertKvKey(key);
    return this.#cas(key, () => this.kv.create(key, value));
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    assertKvKey(key);
    assertRevision(revision);
    return this.#cas(key, () => this.kv.update(key, value, revision));
  }

  async delete(key: string): Promise<void> {
    assertKvKey(key);
    await this.kv.delete(key);
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys()) out.push(k);
    return out;
  }

  async #cas(key: string, write: () => Promise<number>): Promise<number> {
    try {
      return await write();
    } catch (err) {
      const { JetStreamApiCodes, JetStreamApiError } = natsClient().jetstream;
      if (
        err instanceof JetStreamApiError &&
        (err.code === JetStreamApiCodes.StreamWrongLastSequence || err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
      ) {
        throw new KvConflictError(this.bucket, key, { cause: err });
      }
      throw err;
    }
  }
}
