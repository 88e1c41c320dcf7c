import { existsSync } from 'node:fs';
import { copyFile, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CwlInputError } from '../errors/cwl-errors';
import { splitName } from '../job/file-names';
import type { CwlDirectory, CwlFile, InputParameter, SecondaryFileSchema } from '../model/cwl.types';
import { isRecord } from '../util/json';
import { pathToUri, uriToPath } from '../util/uri';
import { readContents } from './file-objects';

/** Where literal files and directories are materialized. */
export interface StagingArea {
  /** A scratch directory owned by this run. */
  dir: string;
  /** Counter for unique sub-directories. */
  next: number;
}

/**
 * Stages File/Directory inputs by path (no copies): fills `path`, `size`,
 * names and (when requested) `contents`; writes file and directory literals
 * (objects with `contents` or `listing` but no `location`) into the staging
 * area; adds secondary files found next to the primary by the input's patterns.
 *
 * @throws CwlInputError when a File/Directory input does not exist
 */
export async function stageInputs(params: readonly InputParameter[], inputs: Record<string, unknown>, area: StagingArea): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...inputs };
  for (const param of params) {
    const loadContents = param.loadContents ?? param.inputBinding?.loadContents ?? false;
    out[param.id] = await stageValue(inputs[param.id], { param, loadContents, area });
  }
  return out;
}

interface StageContext {
  param: InputParameter;
  loadContents: boolean;
  area: StagingArea;
}

async function stageValue(value: unknown, ctx: StageContext): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => stageValue(v, ctx)));
  if (!isRecord(value)) return value;
  if (value.class === 'File') return stageFile(value as CwlFile, ctx, ctx.param.secondaryFiles);
  if (value.class === 'Directory') return stageDirectory(value as CwlDirectory, ctx);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await stageValue(v, ctx);
  return out;
}

async function stageFile(file: CwlFile, ctx: StageContext, patterns?: readonly SecondaryFileSchema[], parentDir?: string): Promise<CwlFile> {
  const out: CwlFile = { ...file };
  if (out.location === undefined && out.path === undefined) {
    const dir = parentDir ?? (await scratch(ctx.area));
    const name = out.basename ?? `literal-${ctx.area.next}`;
    const path = join(dir, name);
    await writeFile(path, out.contents ?? '');
    out.location = pathToUri(path);
  }
  const path = out.location !== undefined ? locationToPath(out.location) : (out.path as string);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CwlInputError(ctx.param.id, 'File', `file not found: ${path}`);
  }
  if (parentDir && dirname(path) !== parentDir) {
    const target = join(parentDir, out.basename ?? path.slice(path.lastIndexOf('/') + 1));
    await linkOrCopy(path, target);
    Object.assign(out, { location: pathToUri(target), path: target });
  } else out.path = path;
  out.basename ??= (out.path as string).slice((out.path as string).lastIndexOf('/') + 1);
  out.dirname = dirname(out.path as string);
  Object.assign(out, splitName(out.basename));
  out.size = info.size;
  if (ctx.loadContents && out.contents === undefined) out.contents = await readContents(out.path as string);
  const secondary = [...(out.secondaryFiles ?? [])];
  for (const pattern of patterns ?? []) {
    if (pattern.pattern.includes('$(') || pattern.pattern.includes('${')) continue;
    const name = secondaryName(out.basename, pattern.pattern);
    const candidate = join(out.dirname, name);
    if (secondary.some((s) => s.basename === name || (s.location && locationToPath(s.location) === candidate))) continue;
    if (existsSync(candidate)) secondary.push({ class: 'File', location: pathToUri(candidate) });
    else if (pattern.required !== false && pattern.required !== 'false') {
      throw new CwlInputError(ctx.param.id, 'File', `missing required secondary file ${candidate}`);
    }
  }
  if (secondary.length > 0) {
    out.secondaryFiles = [];
    for (const s of secondary) {
      out.secondaryFiles.push(s.class === 'Directory' ? await stageDirectory(s as CwlDirectory, ctx) : await stageFile(s as CwlFile, { ...ctx, loadContents: false }));
    }
  }
  return out;
}

async function stageDirectory(dir: CwlDirectory, ctx: StageContext, parentDir?: string): Promise<CwlDirectory> {
  const out: CwlDirectory = { ...dir };
  if (out.location === undefined && out.path === undefined) {
    const path = join(parentDir ?? (await scratch(ctx.area)), out.basename ?? `dir-${ctx.area.next}`);
    await mkdir(path, { recursive: true });
    out.location = pathToUri(path);
    out.path = path;
    out.basename ??= path.slice(path.lastIndexOf('/') + 1);
    const listing = [];
    for (const entry of out.listing ?? []) {
      listing.push(entry.class === 'Directory' ? await stageDirectory(entry, ctx, path) : await stageFile(entry, { ...ctx, loadContents: false }, undefined, path));
    }
    out.listing = listing;
    return out;
  }
  const path = out.location !== undefined ? locationToPath(out.location) : (out.path as string);
  if (!existsSync(path)) throw new CwlInputError(ctx.param.id, 'Directory', `directory not found: ${path}`);
  out.path = path;
  out.basename ??= path.replace(/\/+$/, '').slice(path.replace(/\/+$/, '').lastIndexOf('/') + 1);
  return out;
}

/** Secondary file name of `primary` for a pattern: `.bai` appends, each leading `^` strips one extension. */
export function secondaryName(primary: string, pattern: string): string {
  let base = primary;
  let p = pattern.replace(/\?$/, '');
  while (p.startsWith('^')) {
    const dot = base.lastIndexOf('.');
    if (dot > 0) base = base.slice(0, dot);
    p = p.slice(1);
  }
  return base + p;
}

/** Filesystem path of a `file://` location or plain path. */
export function locationToPath(location: string): string {
  return location.startsWith('file:') ? uriToPath(location) : location;
}

async function scratch(area: StagingArea): Promise<string> {
  const dir = join(area.dir, `stg${area.next++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function linkOrCopy(source: string, target: string): Promise<void> {
  try {
    await symlink(source, target);
  } catch {
    await copyFile(source, target);
  }
}
