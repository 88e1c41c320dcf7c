import { cp, lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { fileObject } from '../tool/file-objects';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';
import { locationToPath } from '../tool/stage-inputs';

/**
 * Moves the Files/Directories referenced by final outputs into `outdir` (names
 * de-duplicated with `_2`, `_3`...) and rewrites `location`/`path` (also of
 * secondary files and listings). Only real files and directories under
 * `fromRoot` are moved; anything else (inputs passed through, paths reached
 * through a symlink, e.g. an InitialWorkDir entry linked to an input) is copied,
 * so that inputs are never moved away. Symlinks inside a moved directory are
 * replaced by copies of what they point to.
 */
export async function relocateOutputs(value: unknown, outdir: string, fromRoot: string, used = new Set<string>()): Promise<unknown> {
  if (Array.isArray(value)) {
    const out = [];
    for (const v of value) out.push(await relocateOutputs(v, outdir, fromRoot, used));
    return out;
  }
  if (!isRecord(value)) return value;
  if ((value.class === 'File' || value.class === 'Directory') && typeof value.location !== 'string' && typeof value.path !== 'string') {
    return materializeLiteral(value, outdir, used);
  }
  if ((value.class === 'File' || value.class === 'Directory') && typeof value.location === 'string') {
    const source = locationToPath(value.location);
    const name = uniqueName(String(value.basename ?? source.slice(source.lastIndexOf('/') + 1)), outdir, used);
    const target = join(outdir, name);
    if (await movable(source, fromRoot)) {
      await rename(source, target).catch(() => cp(source, target, { recursive: true, dereference: true }));
      await materializeLinks(target);
    } else await cp(source, target, { recursive: true, dereference: true });
    const moved = rewrite(value, source, target);
    if (Array.isArray(value.secondaryFiles)) moved.secondaryFiles = await relocateOutputs(value.secondaryFiles, outdir, fromRoot, used);
    return moved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await relocateOutputs(v, outdir, fromRoot, used);
  return out;
}

/** Writes a File literal (`contents`) or Directory literal (`listing`) into `outdir`, as a complete object. */
async function materializeLiteral(value: Record<string, unknown>, outdir: string, used: Set<string>): Promise<unknown> {
  const name = uniqueName(String(value.basename ?? (value.class === 'File' ? 'literal' : 'directory')), outdir, used);
  const target = join(outdir, name);
  if (value.class === 'File') {
    await writeFile(target, String(value.contents ?? ''));
    const { contents: _c, ...rest } = value;
    return { ...rest, ...(await fileObject(target)) };
  }
  await mkdir(target, { recursive: true });
  const inner = new Set<string>();
  const listing = [];
  for (const entry of Array.isArray(value.listing) ? value.listing : []) listing.push(await relocateOutputs(entry, target, '/nonexistent-root', inner));
  return { ...value, class: 'Directory', location: pathToUri(target), path: target, basename: name, listing };
}

function uniqueName(name: string, outdir: string, used: Set<string>): string {
  let candidate = name;
  for (let i = 2; used.has(candidate) || existsSync(join(outdir, candidate)); i++) candidate = `${name}_${i}`;
  used.add(candidate);
  return candidate;
}

/** Rewrites paths under `from` to be under `to`, recursively (listings). */
function rewrite(value: Record<string, unknown>, from: string, to: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  if (typeof value.location === 'string') {
    const p = locationToPath(value.location);
    if (p === from || p.startsWith(`${from}/`)) {
      const np = to + p.slice(from.length);
      out.location = pathToUri(np);
      out.path = np;
    }
  }
  if (Array.isArray(value.listing)) out.listing = value.listing.map((e) => (isRecord(e) ? rewrite(e, from, to) : e));
  return out;
}

/** True when `path` is itself (no symlink on the way) a file or directory under `root`. */
async function movable(path: string, root: string): Promise<boolean> {
  try {
    const real = await realpath(path);
    const realRoot = await realpath(root);
    return real === path && real.startsWith(`${realRoot}/`);
  } catch {
    return false;
  }
}

/** Replaces every symlink under `path` (a moved output) by a copy of its target. */
async function materializeLinks(path: string): Promise<void> {
  const info = await lstat(path);
  if (!info.isDirectory()) return;
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await realpath(child).catch(() => undefined);
      if (!target) continue;
      await rm(child, { force: true });
      await cp(target, child, { recursive: true, dereference: true });
    } else if (entry.isDirectory()) await materializeLinks(child);
  }
}
