import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { matchingMember } from '../job/type-match';
import type { CwlFile, CwlType, SecondaryFileSchema } from '../model/cwl.types';
import { isExactNumber } from '../util/exact-number';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';

/** Evaluates a CWL string (pattern or `required`) with `self` bound to the primary File. */
export type PatternEvaluator = (text: string, self: CwlFile) => Promise<unknown>;

/** One secondary file a pattern asks for. */
export interface SecondaryCandidate {
  /** Basename of the secondary file (the primary's basename with the pattern applied). */
  name: string;
  required: boolean;
  /** A File/Directory object returned by a pattern expression, used as is. */
  literal?: CwlFile;
}

/**
 * Evaluates `secondaryFiles` patterns for one primary File: plain patterns
 * (`.bai`, `^.bai`, a trailing `?` for optional), expressions returning a file
 * name, a list of them, a File/Directory object, or null (ignored). `required`
 * defaults to `defaultRequired` (true for inputs, false for outputs).
 */
export async function secondaryFileCandidates(primary: CwlFile, patterns: readonly SecondaryFileSchema[], evaluate: PatternEvaluator, defaultRequired = true): Promise<SecondaryCandidate[]> {
  const out: SecondaryCandidate[] = [];
  const basename = primary.basename ?? '';
  for (const p of patterns) {
    let required = defaultRequired;
    if (typeof p.required === 'boolean') required = p.required;
    else if (typeof p.required === 'string') required = Boolean(await evaluate(p.required, primary));
    const isExpression = p.pattern.includes('$(') || p.pattern.includes('${');
    const raw = isExpression ? await evaluate(p.pattern, primary) : p.pattern;
    for (const item of Array.isArray(raw) ? raw : [raw]) {
      if (item === null || item === undefined || item === '') continue;
      if (isRecord(item)) {
        out.push({ name: String(item.basename ?? ''), required, literal: item as CwlFile });
        continue;
      }
      // An expression returns a file name (relative to the primary's directory); a plain pattern is a suffix rule.
      const text = String(item);
      const optional = text.endsWith('?');
      const name = isExpression ? text.replace(/\?$/, '') : secondaryName(basename, text);
      out.push({ name, required: optional ? false : required });
    }
  }
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

/**
 * Adds to every File in `value` (guided by `type`, record fields carrying their
 * own patterns) the secondary files its patterns name that exist next to it on
 * disk, as `{class, location}` entries. Used once for the inputs of the process
 * being run (like `cwltool`, steps inside a workflow only check, never search).
 * Returns a new value.
 */
export async function discoverSecondaryFiles(value: unknown, type: CwlType, patterns: readonly SecondaryFileSchema[] | undefined, evaluate: PatternEvaluator): Promise<unknown> {
  if (value === null || value === undefined) return value ?? null;
  const member = matchingMember(value, type) ?? type;
  if (Array.isArray(value)) {
    const items = typeof member === 'object' && !Array.isArray(member) && member.type === 'array' ? member.items : 'Any';
    const out = [];
    for (const v of value) out.push(await discoverSecondaryFiles(v, items, patterns, evaluate));
    return out;
  }
  if (!isRecord(value) || isExactNumber(value) || value.class === 'Directory') return value;
  if (value.class === 'File') {
    if (!patterns?.length || typeof value.location !== 'string' || !value.location.startsWith('file:')) return value;
    const file = value as CwlFile;
    const dirUri = file.location as string;
    const dir = new URL('.', dirUri);
    const secondary = [...(file.secondaryFiles ?? [])];
    for (const c of await secondaryFileCandidates(file, patterns, evaluate)) {
      if (c.literal) {
        if (!secondary.some((s) => s.basename === c.literal?.basename)) secondary.push(c.literal);
        continue;
      }
      const location = new URL(encodeURIComponent(c.name).replace(/%2F/g, '/'), dir).href;
      if (secondary.some((s) => s.location === location || s.basename === c.name)) continue;
      const path = join(decodeURIComponent(dir.pathname), c.name);
      if (!existsSync(path)) continue;
      secondary.push({ class: statSync(path).isDirectory() ? 'Directory' : 'File', location: pathToUri(path), basename: c.name } as CwlFile);
    }
    return secondary.length ? { ...file, secondaryFiles: secondary } : file;
  }
  const fields = typeof member === 'object' && !Array.isArray(member) && member.type === 'record' ? member.fields : [];
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const field = fields.find((f) => f.name === k);
    out[k] = field ? await discoverSecondaryFiles(v, field.type, field.secondaryFiles, evaluate) : v;
  }
  return out;
}
