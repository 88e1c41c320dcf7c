/** Test double: counts blob reads. */
import type { BlobStore } from '../storage/blob-store';

/** A {@link BlobStore} wrapper that records every key read: proves reads touch only intersecting chunks. */
export class CountingBlobStore implements BlobStore {
  readonly gets: string[] = [];
  readonly location: string;
  constructor(private readonly inner: BlobStore) {
    this.location = inner.location;
  }
  get(key: string): Promise<Uint8Array | undefined> {
    this.gets.push(key);
    return this.inner.get(key);
  }
  put(key: string, bytes: Uint8Array): Promise<void> {
    return this.inner.put(key, bytes);
  }
  exists(): Promise<boolean> {
    return this.inner.exists();
  }
  clear(): Promise<void> {
    return this.inner.clear();
  }
}
