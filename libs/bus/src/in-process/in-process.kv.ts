import { KvConflictError, type KeyValueStore } from '../bus.port';
import { assertKvKey, assertRevision } from '../core/kv.util';

interface Entry {
  /** Absent for a delete marker. */
  value?: Uint8Array;
  revision: number;
}

/** An in-memory KV bucket with NATS semantics: one revision counter per bucket, delete markers, CAS. */
export class InProcessKv implements KeyValueStore {
  readonly #entries = new Map<string, Entry>();
  #revision = 0;

  constructor(readonly bucket: string) {}

  async get(key: string): Promise<{ value: Uint8Array; revision: number } | null> {
    assertKvKey(key);
    const e = this.#entries.get(key);
    return e?.value ? { value: e.value.slice(), revision: e.revision } : null;
  }

  async put(key: string, value: Uint8Array): Promise<number> {
    assertKvKey(key);
    return this.#write(key, value.slice());
  }

  async create(key: string, value: Uint8Array): Promise<number> {
    assertKvKey(key);
    if (this.#entries.get(key)?.value) throw new KvConflictError(this.bucket, key);
    return this.#write(key, value.slice());
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<number> {
    assertKvKey(key);
    assertRevision(revision);
    if (this.#entries.get(key)?.revision !== revision) throw new KvConflictError(this.bucket, key);
    return this.#write(key, value.slice());
  }

  async delete(key: string): Promise<void> {
    assertKvKey(key);
    this.#write(key, undefined);
  }

  async keys(): Promise<string[]> {
    return [...this.#entries].filter(([, e]) => e.value).map(([k]) => k);
  }

  #write(key: string, value: Uint8Array | undefined): number {
    const revision = ++this.#revision;
    this.#entries.set(key, value ? { value, revision } : { revision });
    return revision;
  }
}
