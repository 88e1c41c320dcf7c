import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, type ExpressionScope, type ExpressionSettings } from '../expressions/evaluate-expression';
import { typeToString } from '../loader/normalize-type';
import { resolveFileLocations } from '../loader/normalize-params';
import { expandIri } from '../loader/expand-formats';
import { describeValue, matchesType } from '../job/type-match';
import type { CommandLineTool, CommandOutputBinding, CwlDirectory, CwlFile, CwlType, SecondaryFileSchema } from '../model/cwl.types';
import { splitName } from '../job/file-names';
import { glob } from '../util/glob';
import { parseCwlJson } from '../util/exact-number';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';
import { directoryObject, fileObject } from './file-objects';
import { hostFileObjects } from './container-paths';
import { OutputLinkGuard } from './output-links';
import { secondaryFileCandidates } from './secondary-files';
import { locationToPath } from './stage-inputs';

/** Files the tool wrote for `type: stdout` / `type: stderr` outputs. */
export interface CapturedStreams {
  stdoutPath?: string;
  stderrPath?: string;
}

/**
 * Collects a finished tool's outputs: `cwl.output.json` when the tool wrote one,
 * otherwise each output's `glob` → File/Directory objects (with checksum and
 * size), `loadContents`, `outputEval`, secondary files and `format`; stdout/stderr
 * outputs become Files. Every value is checked against its declared type. Files
 * that `outputEval` names by `path` or a relative `location` are taken from the
 * output directory and completed (size, checksum).
 *
 * `toHost` translates the paths a containerized tool wrote into `cwl.output.json`
 * (container paths) to host paths; it returns `undefined` for paths it does not know.
 *
 * @throws CwlExecutionError naming the output when a value does not match its type,
 *   or a globbed path is a symbolic link out of the output directory (see {@link OutputLinkGuard})
 */
export async function collectOutputs(tool: CommandLineTool, outdir: string, scope: ExpressionScope, settings: ExpressionSettings, streams: CapturedStreams, toHost?: (path: string) => string | undefined): Promise<Record<string, unknown>> {
  const custom = join(outdir, 'cwl.output.json');
  if (existsSync(custom)) {
    const parsed = parseCwlJson(await readFile(custom, 'utf8'), custom) as Record<string, unknown>;
    const resolved = resolveFileLocations(toHost ? hostFileObjects(parsed, toHost) : parsed, pathToUri(outdir) + '/') as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const param of tool.outputs) out[param.id] = await completeFiles(resolved[param.id] ?? null);
    return out;
  }
  const out: Record<string, unknown> = {};
  const guard = new OutputLinkGuard(outdir, tool, scope.inputs);
  for (const param of tool.outputs) {
    let value: unknown;
    if (param.type === 'stdout' || param.type === 'stderr') {
      const path = param.type === 'stdout' ? streams.stdoutPath : streams.stderrPath;
      value = path ? await fileObject(path) : null;
    } else {
      value = await collectOne(param.type, param.outputBinding, param.secondaryFiles, outdir, scope, settings, (path) => guard.check(path, param.id));
    }
    if (param.format !== undefined && value !== null) value = await withFormat(value, param.format, scope, settings, tool.$namespaces as Record<string, string> | undefined);
    if (!matchesType(value, param.type) && !(value === null && param.type === 'Any')) {
      throw new CwlExecutionError(`output '${param.id}' (expected ${typeToString(param.type)}): got ${describeValue(value)}`);
    }
    out[param.id] = value;
  }
  return out;
}

async function collectOne(
  type: CwlType, binding: CommandOutputBinding | undefined, secondary: SecondaryFileSchema[] | undefined, outdir: string, scope: ExpressionScope, settings: ExpressionSettings,
  checkLink: (path: string) => Promise<void>,
): Promise<unknown> {
  const member = Array.isArray(type) ? type.find((t) => t !== 'null') : type;
  if (!binding && typeof member === 'object' && member !== null && !Array.isArray(member) && member.type === 'record') {
    const record: Record<string, unknown> = {};
    for (const f of member.fields) {
      let v = await collectOne(f.type, f.outputBinding, f.secondaryFiles, outdir, scope, settings, checkLink);
      if (f.format !== undefined && v !== null) v = await withFormat(v, f.format, scope, settings);
      record[f.name] = v;
    }
    return record;
  }
  if (!binding) return null;
  let matches: unknown[] = [];
  if (binding.glob !== undefined) {
    const patterns: unknown[] = [];
    for (const g of Array.isArray(binding.glob) ? binding.glob : [binding.glob]) {
      const v = await evaluateExpression(g, scope, settings);
      patterns.push(...(Array.isArray(v) ? v : [v]));
    }
    const paths: string[] = [];
    for (const p of patterns) if (typeof p === 'string') for (const hit of await glob(p, outdir)) if (!paths.includes(hit)) paths.push(hit);
    for (const path of paths) {
      await checkLink(path);
      const s = await stat(path);
      matches.push(s.isDirectory() ? await directoryObject(path) : await fileObject(path, { loadContents: binding.loadContents }));
    }
  }
  if (secondary) matches = await Promise.all(matches.map((m) => addSecondaryFiles(m, secondary, scope, settings)));
  if (binding.outputEval !== undefined) return anchorFiles(await evaluateExpression(binding.outputEval, { ...scope, self: matches }, settings), outdir);
  if (binding.glob === undefined) return null;
  if (wantsList(type)) return matches;
  return matches[0] ?? null;
}

function wantsList(type: CwlType): boolean {
  if (Array.isArray(type)) return type.some(wantsList);
  return typeof type === 'object' && type !== null && type.type === 'array';
}

async function addSecondaryFiles(entry: unknown, patterns: SecondaryFileSchema[], scope: ExpressionScope, settings: ExpressionSettings): Promise<unknown> {
  if (!isRecord(entry) || entry.class !== 'File') return entry;
  const file = entry as CwlFile;
  const dir = dirname(file.path as string);
  const secondaryFiles = [...(file.secondaryFiles ?? [])];
  const evaluate = (text: string, self: CwlFile): Promise<unknown> => evaluateExpression(text, { ...scope, self }, settings);
  for (const c of await secondaryFileCandidates(file, patterns, evaluate, false)) {
    let path: string;
    if (c.literal) {
      const loc = c.literal.location ?? c.literal.path;
      if (typeof loc !== 'string') continue;
      path = isAbsolute(locationToPath(loc)) ? locationToPath(loc) : join(dir, locationToPath(loc));
    } else path = join(dir, c.name);
    if (!existsSync(path)) {
      if (c.required) throw new CwlExecutionError(`missing required secondary file ${path} of output ${file.path as string}`);
      continue;
    }
    if (secondaryFiles.some((s) => s.path === path)) continue;
    const s = await stat(path);
    const obj: CwlFile | CwlDirectory = s.isDirectory() ? await directoryObject(path) : await fileObject(path);
    // A File returned by an expression may rename the secondary file (its basename wins).
    if (c.literal?.basename && c.literal.basename !== obj.basename) {
      obj.basename = c.literal.basename;
      if (obj.class === 'File') Object.assign(obj, splitName(obj.basename));
    }
    secondaryFiles.push(obj);
  }
  return secondaryFiles.length ? { ...file, secondaryFiles } : file;
}

async function withFormat(value: unknown, format: unknown, scope: ExpressionScope, settings: ExpressionSettings, namespaces?: Record<string, string>): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => withFormat(v, format, scope, settings, namespaces)));
  if (!isRecord(value) || value.class !== 'File') return value;
  const f = typeof format === 'string' ? await evaluateExpression(format, { ...scope, self: value }, settings) : format;
  return { ...value, format: typeof f === 'string' ? expandIri(f, namespaces) : f };
}

/**
 * Completes the File/Directory objects an expression made with a `path` or a relative
 * `location` (relative to the output directory) but no absolute location: location,
 * path, names, size and checksum from the file on disk; the object's own fields win.
 * Objects with an absolute location (e.g. glob matches) are returned as they are.
 */
async function anchorFiles(value: unknown, outdir: string): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((v) => anchorFiles(v, outdir)));
  if (!isRecord(value)) return value;
  if (value.class === 'File' || value.class === 'Directory') {
    const loc = typeof value.location === 'string' ? value.location : typeof value.path === 'string' ? value.path : undefined;
    if (loc === undefined || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(loc) || loc.startsWith('_:')) return value;
    const path = resolve(outdir, loc);
    if (!existsSync(path)) return { ...value, location: pathToUri(path), path };
    const full = value.class === 'File' ? await fileObject(path) : await directoryObject(path);
    return { ...full, ...value, location: full.location, path };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await anchorFiles(v, outdir);
  return out;
}

/** Fills path, size and checksum of Files named only by location (from cwl.output.json). */
async function completeFiles(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(completeFiles));
  if (!isRecord(value)) return value;
  if (value.class === 'File' && typeof value.location === 'string' && existsSync(locationToPath(value.location))) {
    const full = await fileObject(locationToPath(value.location));
    return { ...full, ...value, location: full.location, path: full.path };
  }
  if (value.class === 'Directory' && typeof value.location === 'string' && existsSync(locationToPath(value.location))) {
    return { ...(await directoryObject(locationToPath(value.location))), ...value };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = await completeFiles(v);
  return out;
}
