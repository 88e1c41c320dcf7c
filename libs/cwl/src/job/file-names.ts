import type { CwlDirectory, CwlFile } from '../model/cwl.types';
import { isRecord } from '../util/json';
import { basenameOf } from '../util/uri';

/** Splits a basename into CWL `nameroot` and `nameext` (`a.tar.gz` → `a.tar`, `.gz`). */
export function splitName(basename: string): { nameroot: string; nameext: string } {
  const dot = basename.lastIndexOf('.');
  return dot > 0 ? { nameroot: basename.slice(0, dot), nameext: basename.slice(dot) } : { nameroot: basename, nameext: '' };
}

/**
 * Fills `basename`, `nameroot`, `nameext` of every File (and `basename` of every
 * Directory) inside `value` from its location, without touching the filesystem.
 * Returns a new value; other objects are copied.
 */
export function withFileNames<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => withFileNames(v)) as T;
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = withFileNames(v);
  if (value.class === 'File' || value.class === 'Directory') {
    const entry = out as CwlFile | CwlDirectory;
    const loc = entry.location ?? entry.path;
    if (entry.basename === undefined && typeof loc === 'string') entry.basename = basenameOf(loc);
    if (entry.class === 'File' && typeof entry.basename === 'string') Object.assign(entry, splitName(entry.basename));
  }
  return out as T;
}
