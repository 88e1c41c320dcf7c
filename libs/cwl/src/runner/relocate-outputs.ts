import { cp, rename } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';
import { locationToPath } from '../tool/stage-inputs';

/**
 * Moves the Files/Directories referenced by final outputs into `outdir` (names
 * de-duplicated with `_2`, `_3`...) and rewrites `location`/`path` (also of
 * secondary files and listings). Files outside `fromRoot` (e.g. inputs passed
 * through) are copied, not moved.
 */
export async function relocateOutputs(value: unknown, outdir: string, fromRoot: string, used = new Set<string>()): Promise<unknown> {
  if (Array.isArray(value)) {
    const out = [];
    for (const v of value) out.push(await relocateOutputs(v, outdir, fromRoot, used));
    return out;
  }
  if (!isRecord(value)) return value;
  if ((value.class === 'File' || value.class === 'Directory') && typeof value.location === 'string') {
    const source = locationToPath(value.location);
    const name = uniqueName(String(value.basename ?? source.slice(source.lastIndexOf('/') + 1)), outdir, used);
    const target = join(outdir, name);
    if (source.startsWith(fromRoot)) await rename(source, target).catch(() => cp(source, target, { recursive: true }));
    else await cp(source, target, { recursive: true });
    const moved = rewrite(value, source, target);
    if (Array.isArray(value.secondaryFiles)) moved.secondaryFiles = await relocateOutputs(value.secondaryFiles, outdir, fromRoot, used);
    return moved;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await relocateOutputs(v, outdir, fromRoot, used);
  return out;
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
