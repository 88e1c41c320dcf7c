/** {@link BlobStore} over a local directory. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VolumeStorageError } from '../errors/volume-errors';
import type { BlobStore } from './blob-store';

/** Error codes that mean "nothing there" rather than an I/O failure. */
const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);

/** True for a Node file-system error meaning the path does not exist. */
export function isMissing(err: unknown): boolean {
  return typeof err === 'object' && err !== null && MISSING.has((err as { code?: string }).code ?? '');
}

/** A directory as a blob store; writes go to a temporary file renamed into place. */
export class FsBlobStore implements BlobStore {
  readonly location: string;
  constructor(private readonly uri: string, readonly root: string) {
    this.location = root;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(join(this.root, key));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw new VolumeStorageError(this.uri, `cannot read ${key}: ${(err as Error).message}`, { cause: err, retryable: false });
    }
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const path = join(this.root, key);
    const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw new VolumeStorageError(this.uri, `cannot write ${key}: ${(err as Error).message}`, { cause: err, retryable: false });
    }
  }

  async exists(): Promise<boolean> {
    try {
      await stat(this.root);
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}
