import { cp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { CwlUnsupportedError } from '../errors/cwl-errors';
import { evaluateExpression, type ExpressionScope, type ExpressionSettings } from '../expressions/evaluate-expression';
import type { CommandLineTool } from '../model/cwl.types';
import { pythonStyleJson } from '../util/exact-number';
import { isRecord } from '../util/json';
import { basenameOf } from '../util/uri';
import { locationToPath } from './stage-inputs';
import { findRequirement } from './requirements';

/**
 * How entries are placed when the paths in the scope are not host paths (a container
 * run): the default symlinks (or copies) the path as it is and writes absolute
 * `entryname`s where they point.
 */
export interface InitialWorkDirPlacement {
  /** Host path where the entry with this absolute `entryname` (a container path) is written. */
  hostTarget(name: string): string;
  /** Places the File/Directory at `source` (a path as the scope shows it) at the host path `target`. */
  place(source: string, target: string, writable: boolean): Promise<void>;
}

/**
 * Materializes InitialWorkDirRequirement `listing` in `outdir`: `{entryname, entry}`
 * literals (strings written as files, other values as JSON), File/Directory
 * entries (symlinked, or copied when `writable` unless InplaceUpdateRequirement
 * asks that the tool change the input itself), and expressions returning them.
 * Entries without a `basename` are named after their location.
 */
export async function stageInitialWorkDir(tool: CommandLineTool, outdir: string, scope: ExpressionScope, settings: ExpressionSettings, placement?: InitialWorkDirPlacement): Promise<void> {
  const req = findRequirement(tool, 'InitialWorkDirRequirement');
  if (!req) return;
  const inplace = findRequirement(tool, 'InplaceUpdateRequirement')?.inplaceUpdate === true;
  let listing: unknown = req.listing;
  if (typeof listing === 'string') listing = await evaluateExpression(listing, scope, settings);
  for (const raw of Array.isArray(listing) ? listing : []) {
    const item = typeof raw === 'string' ? await evaluateExpression(raw, scope, settings) : raw;
    for (const entry of Array.isArray(item) ? item : [item]) await stageEntry(entry, outdir, scope, settings, { placement, inplace });
  }
}

/** How File/Directory entries are placed: through a container placement, and whether writable ones are the inputs themselves. */
interface PlaceOptions {
  placement?: InitialWorkDirPlacement;
  /** InplaceUpdateRequirement: a writable entry is linked, so that the tool changes the original. */
  inplace: boolean;
}

async function stageEntry(entry: unknown, outdir: string, scope: ExpressionScope, settings: ExpressionSettings, how: PlaceOptions): Promise<void> {
  const { placement } = how;
  if (entry === null || entry === undefined) return;
  if (!isRecord(entry)) throw new CwlUnsupportedError('InitialWorkDirRequirement', `unsupported listing entry ${JSON.stringify(entry)}`);
  if (entry.class === 'File' || entry.class === 'Directory') {
    await placeObject(entry, join(outdir, nameOf(entry)), false, how);
    return;
  }
  const name = entry.entryname !== undefined ? String(await evaluateExpression(String(entry.entryname), scope, settings)) : undefined;
  let value: unknown = entry.entry;
  if (typeof value === 'string') value = await evaluateExpression(value, scope, settings, { stripWhitespace: false });
  const writable = entry.writable === true;
  if (value === null || value === undefined) return;
  if (Array.isArray(value) && !name && value.every((v) => v === null || (isRecord(v) && (v.class === 'File' || v.class === 'Directory')))) {
    for (const v of value) if (v) await placeObject(v as Record<string, unknown>, join(outdir, nameOf(v as Record<string, unknown>)), writable, how);
    return;
  }
  if (isRecord(value) && (value.class === 'File' || value.class === 'Directory')) {
    const target = name ? (isAbsolute(name) ? (placement?.hostTarget(name) ?? name) : join(outdir, name)) : join(outdir, nameOf(value));
    await placeObject(value, target, writable, how);
    return;
  }
  if (!name) throw new CwlUnsupportedError('InitialWorkDirRequirement', 'a literal entry needs an entryname');
  const target = isAbsolute(name) && placement ? placement.hostTarget(name) : join(outdir, name);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, typeof value === 'string' ? value : pythonStyleJson(value));
}

/** The entry's `basename`, else the last segment of its location or path. */
function nameOf(obj: Record<string, unknown>): string {
  return typeof obj.basename === 'string' ? obj.basename : basenameOf(String(obj.location ?? obj.path ?? ''));
}

async function placeObject(obj: Record<string, unknown>, target: string, writable: boolean, how: PlaceOptions): Promise<void> {
  const { placement } = how;
  await mkdir(dirname(target), { recursive: true });
  if (typeof obj.location !== 'string' && typeof obj.path !== 'string') {
    if (obj.class === 'File') await writeFile(target, String(obj.contents ?? ''));
    else {
      await mkdir(target, { recursive: true });
      for (const entry of Array.isArray(obj.listing) ? obj.listing : []) {
        if (isRecord(entry)) await placeObject(entry, join(target, nameOf(entry)), writable, how);
      }
    }
    return;
  }
  if (obj.class === 'File' && Array.isArray(obj.secondaryFiles)) {
    for (const sf of obj.secondaryFiles) {
      if (isRecord(sf)) await placeObject(sf, join(dirname(target), nameOf(sf)), writable, how);
    }
  }
  const source = typeof obj.path === 'string' ? obj.path : locationToPath(obj.location as string);
  if (placement) await placement.place(source, target, writable);
  else if (writable && !how.inplace) await cp(source, target, { recursive: true });
  else await symlink(source, target).catch(() => cp(source, target, { recursive: true }));
}
