import { cp, lstat, mkdir, readdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { fileObject } from '../tool/file-objects';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
 * replaced by copies of what they point to. A file or directory that more than one
 * output reaches (the same path twice, one inside another, or one path through a
 * symlink, e.g. a directory an InplaceUpdateRequirement step changed) is copied too.
 */
export async function relocateOutputs(value: unknown, outdir: string, fromRoot: string, used = new Set<string>()): Promise<unknown> {
  return relocate(value, outdir, fromRoot, used, await SharedPaths.of(value));
}

async function relocate(value: unknown, outdir: string, fromRoot: string, used: Set<string>, shared: SharedPaths): Promise<unknown> {
  if (Array.isArray(value)) {
    const out = [];
    for (const v of value) out.push(await relocate(v, outdir, fromRoot, used, shared));
    return out;
  }
  if (!isRecord(value)) return value;
  if ((value.class === 'File' || value.class === 'Directory') && typeof value.location !== 'string' && typeof value.path !== 'string') {
    return materializeLiteral(value, outdir, used, shared);
  }
  if ((value.class === 'File' || value.class === 'Directory') && typeof value.location === 'string') {
    const source = locationToPath(value.location);
    const wanted = String(value.basename ?? source.slice(source.lastIndexOf('/') + 1));
    let target = shared.copyOf(source, outdir, wanted);
    if (target === undefined) {
      target = join(outdir, uniqueName(wanted, outdir, used));
      if ((await movable(source, fromRoot)) && !shared.has(source)) {
        await rename(source, target).catch(() => cp(source, target as string, { recursive: true, dereference: true }));
        await materializeLinks(target);
      } else {
        await cp(source, target, { recursive: true, dereference: true });
        shared.copied(source, outdir, target);
      }
    }
    const moved = rewrite(value, source, target);
    if (Array.isArray(value.secondaryFiles)) moved.secondaryFiles = await relocate(value.secondaryFiles, outdir, fromRoot, used, shared);
    return moved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await relocate(v, outdir, fromRoot, used, shared);
  return out;
}

/** Writes a File literal (`contents`) or Directory literal (`listing`) into `outdir`, as a complete object. */
async function materializeLiteral(value: Record<string, unknown>, outdir: string, used: Set<string>, shared: SharedPaths): Promise<unknown> {
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
  for (const entry of Array.isArray(value.listing) ? value.listing : []) listing.push(await relocate(entry, target, '/nonexistent-root', inner, shared));
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

/**
 * The real paths the outputs reference (File/Directory locations, secondary files, entries
 * of Directory literals), to tell which ones another reference also needs, and where
 * those were copied (so that each is copied once per directory).
 */
class SharedPaths {
  private readonly copies = new Map<string, string>();

  private constructor(private readonly realOf: Map<string, string>, private readonly counts: Map<string, number>, private readonly sorted: string[]) {}

  static async of(value: unknown): Promise<SharedPaths> {
    const realOf = new Map<string, string>();
    const counts = new Map<string, number>();
    const visit = async (v: unknown): Promise<void> => {
      if (Array.isArray(v)) {
        for (const x of v) await visit(x);
        return;
      }
      if (!isRecord(v)) return;
      if ((v.class === 'File' || v.class === 'Directory') && typeof v.location === 'string') {
        const path = locationToPath(v.location);
        const real = realOf.get(path) ?? (await realpath(path).catch(() => undefined));
        if (real !== undefined) {
          realOf.set(path, real);
          counts.set(real, (counts.get(real) ?? 0) + 1);
        }
        await visit(v.secondaryFiles);
        return;
      }
      for (const x of Object.values(v)) await visit(x);
    };
    await visit(value);
    return new SharedPaths(realOf, counts, [...counts.keys()].sort());
  }

  /** True when another reference reaches `path`, something inside it, or a directory around it. */
  has(path: string): boolean {
    const real = this.realOf.get(path) ?? path;
    if ((this.counts.get(real) ?? 0) > 1) return true;
    for (let dir = dirname(real); dir !== dirname(dir); dir = dirname(dir)) if (this.counts.has(dir)) return true;
    const prefix = `${real}/`;
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    return lo < this.sorted.length && this.sorted[lo].startsWith(prefix);
  }

  /** Records that `source` was copied to `target` in `outdir`. */
  copied(source: string, outdir: string, target: string): void {
    this.copies.set(`${outdir}\0${this.realOf.get(source) ?? source}`, target);
  }

  /** Where `source` was already copied in `outdir` under the name `name`, if it was. */
  copyOf(source: string, outdir: string, name: string): string | undefined {
    const target = this.copies.get(`${outdir}\0${this.realOf.get(source) ?? source}`);
    return target !== undefined && target.slice(target.lastIndexOf('/') + 1) === name ? target : undefined;
  }
}
