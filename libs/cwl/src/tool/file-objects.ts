import { createHash } from 'node:crypto';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { splitName } from '../job/file-names';
import { sha1OnWorker, WORKER_CHECKSUM_BYTES } from './checksum-workers';
import type { CwlDirectory, CwlFile } from '../model/cwl.types';
import { pathToUri } from '../util/uri';

/** How many bytes `loadContents` reads (CWL limit: 64 KiB). */
export const LOAD_CONTENTS_LIMIT_BYTES = 64 * 1024;

/** Bytes {@link sha1Checksum} reads at a time. */
const CHECKSUM_CHUNK_BYTES = 1 << 20;

/** Most checksums {@link sha1Checksum} remembers for `reuse`. */
const REMEMBERED_CHECKSUMS = 10_000;

/** Checksums (or checksums being computed) by file identity, oldest first. */
const remembered = new Map<string, Promise<string>>();

/**
 * `sha1$<hex>` of a file's bytes, read in 1 MiB pieces into one buffer (a read stream's 64 KiB
 * chunks, each a new buffer, took 2-3x as long on a 120 MB output, and made garbage). Files of
 * 16 MiB or more are hashed on worker threads ({@link sha1OnWorker}): two blocks' 440 MB outputs
 * then take 0.25 s side by side instead of 0.5 s one after the other on the event loop.
 *
 * Every checksum is remembered under the file's identity (device, inode, size, modification and
 * change times, in ns). With `reuse`, a checksum remembered for the same identity, or one still
 * being computed, is returned instead of reading the file again: step cache keys hash the
 * inputs of every task, which are mostly the outputs of earlier steps, just checksummed, or one
 * input of many blocks at once. Without it (the checksums of a tool's outputs) the file is read.
 */
export async function sha1Checksum(path: string, options: { reuse?: boolean } = {}): Promise<string> {
  const s = await stat(path, { bigint: true });
  const id = `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  const known = options.reuse ? remembered.get(id) : undefined;
  if (known) return known;
  const sum = readSha1(path, s.size);
  remembered.delete(id);
  if (remembered.size >= REMEMBERED_CHECKSUMS) remembered.delete(remembered.keys().next().value as string);
  remembered.set(id, sum);
  sum.catch(() => {
    if (remembered.get(id) === sum) remembered.delete(id);
  });
  return sum;
}

async function readSha1(path: string, size: bigint): Promise<string> {
  if (size >= WORKER_CHECKSUM_BYTES) return sha1OnWorker(path);
  const hash = createHash('sha1');
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(CHECKSUM_CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return `sha1$${hash.digest('hex')}`;
}

/**
 * A file's text for `loadContents` (UTF-8).
 *
 * @throws Error when the file is larger than {@link LOAD_CONTENTS_LIMIT_BYTES} (CWL v1.2 requires failing)
 */
export async function readContents(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(LOAD_CONTENTS_LIMIT_BYTES + 1);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    if (bytesRead > LOAD_CONTENTS_LIMIT_BYTES) throw new Error(`loadContents: ${path} is larger than ${LOAD_CONTENTS_LIMIT_BYTES} bytes`);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** A complete CWL File object for a file on disk (location, path, names, size, checksum). */
export async function fileObject(path: string, options: { loadContents?: boolean; checksum?: boolean } = {}): Promise<CwlFile> {
  const info = await stat(path);
  const name = basename(path);
  const file: CwlFile = {
    class: 'File',
    location: pathToUri(path),
    path,
    basename: name,
    ...splitName(name),
    size: info.size,
  };
  if (options.checksum !== false) file.checksum = await sha1Checksum(path);
  if (options.loadContents) file.contents = await readContents(path);
  return file;
}

/** How deep a Directory's `listing` is filled: CWL `no_listing`, `shallow_listing`, `deep_listing`. */
export type ListingDepth = 'none' | 'shallow' | 'deep';

/**
 * The `listing` of a directory to `depth` (`shallow`: entries without their own
 * listing), without checksums: File entries carry location, path, names and size.
 */
export async function listDirectory(path: string, depth: ListingDepth): Promise<(CwlFile | CwlDirectory)[]> {
  if (depth === 'none') return [];
  const out: (CwlFile | CwlDirectory)[] = [];
  for (const name of (await readdir(path)).sort()) {
    const child = join(path, name);
    const s = await stat(child);
    if (s.isDirectory()) {
      const dir: CwlDirectory = { class: 'Directory', location: pathToUri(child), path: child, basename: name };
      if (depth === 'deep') dir.listing = await listDirectory(child, 'deep');
      out.push(dir);
    } else out.push(await fileObject(child, { checksum: false }));
  }
  return out;
}

/** A CWL Directory object with a recursive `listing` of File/Directory objects. */
export async function directoryObject(path: string, options: { checksum?: boolean; listing?: ListingDepth } = {}): Promise<CwlDirectory> {
  const dir: CwlDirectory = { class: 'Directory', location: pathToUri(path), path, basename: basename(path) };
  const depth = options.listing ?? 'deep';
  if (depth === 'none') return dir;
  const names = (await readdir(path)).sort();
  dir.listing = [];
  for (const name of names) {
    const child = join(path, name);
    const s = await stat(child);
    if (s.isDirectory()) dir.listing.push(await directoryObject(child, { ...options, listing: depth === 'deep' ? 'deep' : 'none' }));
    else dir.listing.push(await fileObject(child, options));
  }
  return dir;
}
