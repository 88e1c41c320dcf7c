/**
 * A flat key → bytes store under one root: a local directory or an S3 prefix.
 * The chunked formats (zarr, precomputed) keep every file through it, so local disk
 * and S3 behave the same. Keys are relative, `/`-separated (`info`, `c/0/1/2`).
 */
export interface BlobStore {
  /** Where the store lives, for messages (`/abs/dir`, `s3://bucket/prefix`). */
  readonly location: string;
  /** The bytes under `key`, or undefined when there are none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Stores `bytes` under `key` (whole object; local files are replaced atomically). */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** True when anything exists under the root. */
  exists(): Promise<boolean>;
  /** Deletes everything under the root. */
  clear(): Promise<void>;
}
