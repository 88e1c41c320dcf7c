import { existsSync } from 'node:fs';
import { copyFile, mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CwlInputError } from '../errors/cwl-errors';
import { splitName } from '../job/file-names';
import { matchingMember } from '../job/type-match';
import type { CwlDirectory, CwlFile, CwlType, InputParameter, SecondaryFileSchema } from '../model/cwl.types';
import { isExactNumber } from '../util/exact-number';
import { isRecord } from '../util/json';
import { pathToUri, uriToPath } from '../util/uri';
import { listDirectory, readContents, type ListingDepth } from './file-objects';
import { secondaryFileCandidates, type PatternEvaluator } from './secondary-files';

/** Where literal files and directories are materialized. */
export interface StagingArea {
  /** A scratch directory owned by this run. */
  dir: string;
  /** Counter for unique sub-directories. */
  next: number;
}

/** How inputs are staged. */
export interface StageOptions {
  /** Where File/Directory literals are written; without it literals stay in memory (ExpressionTool). */
  area?: StagingArea;
  /** Listing depth of Directory inputs without a `loadListing` of their own (LoadListingRequirement). */
  loadListing: ListingDepth;
  /** Evaluates secondaryFiles patterns/`required` that are expressions (`self` = the primary File). */
  evaluate: PatternEvaluator;
  /**
   * `strict`: a File given to a parameter with `format` must carry one of those formats
   * (full IRIs). `lenient` (the document names `$schemas` ontologies, whose subclass
   * relations are not evaluated): only Files without a format are rejected. Default: no check.
   */
  formatCheck?: 'strict' | 'lenient';
}

/** What applies to one value while staging: from its parameter or record field. */
interface ValueSpec {
  id: string;
  loadContents: boolean;
  loadListing?: ListingDepth;
  secondaryFiles?: readonly SecondaryFileSchema[];
  format?: unknown;
}

/**
 * Stages File/Directory inputs by path (no copies), guided by each input's type:
 * fills `path`, `size`, names and (when requested) `contents` (at most 64 KiB);
 * fills Directory `listing` to the requested depth; writes File/Directory literals
 * (objects with `contents` or `listing` but no `location`) into the staging area;
 * checks that required secondary files (of parameters and record fields) are
 * present on the File object. Secondary files are not searched for on disk here:
 * that happens once for the workflow's own inputs (see `discoverSecondaryFiles`).
 *
 * @throws CwlInputError when a File/Directory does not exist, a required secondary
 *   file is missing, or `loadContents` meets a file over 64 KiB
 */
export async function stageInputs(params: readonly InputParameter[], inputs: Record<string, unknown>, options: StageOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { ...inputs };
  for (const param of params) {
    const spec: ValueSpec = {
      id: param.id,
      loadContents: param.loadContents ?? param.inputBinding?.loadContents ?? false,
      loadListing: listingDepth(param.loadListing),
      secondaryFiles: param.secondaryFiles,
      format: param.format,
    };
    out[param.id] = await stageTyped(inputs[param.id], param.type, spec, options);
  }
  return out;
}

/** `no_listing` / `shallow_listing` / `deep_listing` → depth; `undefined` otherwise. */
export function listingDepth(value: unknown): ListingDepth | undefined {
  if (value === 'no_listing') return 'none';
  if (value === 'shallow_listing') return 'shallow';
  if (value === 'deep_listing') return 'deep';
  return undefined;
}

async function stageTyped(value: unknown, type: CwlType, spec: ValueSpec, options: StageOptions): Promise<unknown> {
  if (value === null || value === undefined) return value ?? null;
  const member = matchingMember(value, type) ?? type;
  if (Array.isArray(value)) {
    const items = typeof member === 'object' && !Array.isArray(member) && member.type === 'array' ? member.items : 'Any';
    const out = [];
    for (const v of value) out.push(await stageTyped(v, items, spec, options));
    return out;
  }
  if (!isRecord(value) || isExactNumber(value)) return value;
  if (value.class === 'File') {
    checkFormat(value as CwlFile, spec, options);
    return stageFile(value as CwlFile, spec, options);
  }
  if (value.class === 'Directory') return stageDirectory(value as CwlDirectory, spec, options);
  const fields = typeof member === 'object' && !Array.isArray(member) && member.type === 'record' ? member.fields : [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const field = fields.find((f) => f.name === k);
    const fieldSpec: ValueSpec = field
      ? {
        id: `${spec.id}.${k}`,
        loadContents: field.loadContents ?? field.inputBinding?.loadContents ?? false,
        loadListing: listingDepth((field as { loadListing?: unknown }).loadListing) ?? spec.loadListing,
        secondaryFiles: field.secondaryFiles,
        format: field.format,
      }
      : { id: `${spec.id}.${k}`, loadContents: false, loadListing: spec.loadListing };
    out[k] = await stageTyped(v, field ? field.type : 'Any', fieldSpec, options);
  }
  return out;
}

function checkFormat(file: CwlFile, spec: ValueSpec, options: StageOptions): void {
  if (!options.formatCheck || spec.format === undefined || spec.format === null) return;
  const allowed = (Array.isArray(spec.format) ? spec.format : [spec.format]).filter((f): f is string => typeof f === 'string');
  if (allowed.length === 0 || allowed.some((f) => f.includes('$(') || f.includes('${'))) return;
  if (typeof file.format !== 'string') throw new CwlInputError(spec.id, 'File', `the File has no 'format'; expected ${allowed.join(' or ')}`);
  if (options.formatCheck === 'strict' && !allowed.includes(file.format)) {
    throw new CwlInputError(spec.id, 'File', `format ${file.format} is not ${allowed.join(' or ')}`);
  }
}

async function stageFile(file: CwlFile, spec: ValueSpec, options: StageOptions, parentDir?: string): Promise<CwlFile> {
  const out: CwlFile = { ...file };
  if (out.location === undefined && out.path === undefined) {
    if (!options.area && !parentDir) {
      if (out.basename) Object.assign(out, splitName(out.basename));
      if (typeof out.contents === 'string') out.size ??= Buffer.byteLength(out.contents);
      return out;
    }
    const dir = parentDir ?? (await scratch(options.area as StagingArea));
    const name = out.basename ?? `literal-${options.area?.next ?? 0}`;
    const path = join(dir, name);
    await writeFile(path, out.contents ?? '');
    out.location = pathToUri(path);
  }
  const path = out.location !== undefined ? locationToPath(out.location) : (out.path as string);
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CwlInputError(spec.id, 'File', `file not found: ${path}`);
  }
  if (info.isDirectory()) throw new CwlInputError(spec.id, 'File', `${path} is a directory`);
  const wantName = out.basename ?? basename(path);
  let placed = path;
  if (parentDir && (dirname(path) !== parentDir || basename(path) !== wantName)) placed = await linkInto(path, parentDir, wantName);
  else if (!parentDir && basename(path) !== wantName && options.area) placed = await linkInto(path, await scratch(options.area), wantName);
  setPath(out, placed);
  out.basename = wantName;
  Object.assign(out, splitName(out.basename));
  out.size = info.size;
  if (spec.loadContents && out.contents === undefined) {
    try {
      out.contents = await readContents(placed);
    } catch (err) {
      throw new CwlInputError(spec.id, 'File', (err as Error).message);
    }
  }
  const secondary = [...(out.secondaryFiles ?? [])];
  for (const { name, required, literal } of await secondaryFileCandidates(out, spec.secondaryFiles ?? [], options.evaluate)) {
    if (literal) {
      if (!secondary.some((s) => s.basename === literal.basename)) secondary.push(literal);
      continue;
    }
    const present = secondary.some((s) => (s.basename ?? basenameOfLocation(s.location ?? s.path)) === name);
    if (!present && required) throw new CwlInputError(spec.id, 'File', `missing required secondary file '${name}' of ${placed}`);
  }
  if (secondary.length > 0) {
    // Secondary files must sit next to their primary under their basenames: when one
    // does not, primary and secondaries are linked together into a fresh directory.
    const misplaced = secondary.some((s) => {
      const loc = s.location ?? s.path;
      if (loc === undefined) return true;
      const p = locationToPath(loc).replace(/(.)\/+$/, '$1');
      return dirname(p) !== dirname(placed) || basename(p) !== (s.basename ?? basename(p));
    });
    let siblings: string | undefined = parentDir;
    if (misplaced && !parentDir && options.area) {
      siblings = await scratch(options.area);
      placed = await linkInto(placed, siblings, wantName);
      setPath(out, placed);
    }
    out.secondaryFiles = [];
    for (const s of secondary) {
      const plain: ValueSpec = { id: spec.id, loadContents: false, loadListing: spec.loadListing };
      const dir = misplaced ? siblings : undefined;
      out.secondaryFiles.push(s.class === 'Directory' ? await stageDirectory(s as CwlDirectory, plain, options, dir) : await stageFile(s as CwlFile, plain, options, dir));
    }
  }
  return out;
}

function setPath(obj: CwlFile | CwlDirectory, path: string): void {
  obj.location = pathToUri(path);
  obj.path = path;
  if (obj.class === 'File') (obj as CwlFile).dirname = dirname(path);
}

/** Symlinks (or copies) `source` as `dir/name`; returns the new path. */
async function linkInto(source: string, dir: string, name: string): Promise<string> {
  const target = join(dir, name);
  await mkdir(dirname(target), { recursive: true });
  if (!existsSync(target)) await linkOrCopy(source, target);
  return target;
}

async function stageDirectory(dir: CwlDirectory, spec: ValueSpec, options: StageOptions, parentDir?: string): Promise<CwlDirectory> {
  const out: CwlDirectory = { ...dir };
  const depth = spec.loadListing ?? options.loadListing;
  if (out.location === undefined && out.path === undefined) {
    if (!options.area && !parentDir) return out;
    const path = join(parentDir ?? (await scratch(options.area as StagingArea)), out.basename ?? `dir-${options.area?.next ?? 0}`);
    await mkdir(path, { recursive: true });
    out.location = pathToUri(path);
    out.path = path;
    out.basename ??= path.slice(path.lastIndexOf('/') + 1);
    const listing = [];
    const plain: ValueSpec = { id: spec.id, loadContents: false, loadListing: 'deep' };
    for (const entry of out.listing ?? []) {
      listing.push(entry.class === 'Directory' ? await stageDirectory(entry, plain, options, path) : await stageFile(entry, plain, options, path));
    }
    out.listing = listing;
    return out;
  }
  let path = (out.location !== undefined ? locationToPath(out.location) : (out.path as string)).replace(/(.)\/+$/, '$1');
  if (!existsSync(path)) throw new CwlInputError(spec.id, 'Directory', `directory not found: ${path}`);
  const wantName = out.basename ?? basename(path);
  if (parentDir && (dirname(path) !== parentDir || basename(path) !== wantName)) path = await linkInto(path, parentDir, wantName);
  setPath(out, path);
  out.basename = wantName;
  if (out.listing === undefined && depth !== 'none') out.listing = await listDirectory(path, depth);
  else if (Array.isArray(out.listing)) {
    // An explicit loadListing reads the directory as it is now: the listing an earlier
    // step's output carries may be stale (InplaceUpdateRequirement lets a later step change it).
    const current = spec.loadListing !== undefined && spec.loadListing !== 'none' ? refreshListing(out.listing, await listDirectory(path, spec.loadListing)) : out.listing;
    const plain: ValueSpec = { id: spec.id, loadContents: false, loadListing: 'deep' };
    const listing = [];
    for (const entry of current) listing.push(entry.class === 'Directory' ? await stageDirectory(entry, plain, options) : await stageFile(entry, plain, options));
    out.listing = listing;
  }
  return out;
}

/**
 * The entries of `fresh` (read from disk), each merged over the `old` entry of the same
 * name and class: the disk's location, size and listing win, the old entry's other
 * fields (format, secondaryFiles) stay, and its checksum goes (the content may have changed).
 */
function refreshListing(old: readonly (CwlFile | CwlDirectory)[], fresh: readonly (CwlFile | CwlDirectory)[]): (CwlFile | CwlDirectory)[] {
  return fresh.map((entry) => {
    const known = old.find((o) => o.class === entry.class && (o.basename ?? basenameOfLocation(o.location ?? o.path)) === entry.basename);
    if (!known) return entry;
    if (entry.class === 'File') {
      const { checksum: _stale, ...rest } = known as CwlFile;
      return { ...rest, ...entry };
    }
    const freshListing = (entry as CwlDirectory).listing;
    const merged: CwlDirectory = { ...(known as CwlDirectory), ...entry };
    if (freshListing !== undefined) merged.listing = refreshListing((known as CwlDirectory).listing ?? [], freshListing);
    return merged;
  });
}

function basenameOfLocation(location: string | undefined): string {
  if (!location) return '';
  const clean = location.replace(/\/+$/, '');
  return decodeURIComponent(clean.slice(clean.lastIndexOf('/') + 1));
}

export { secondaryName } from './secondary-files';

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
