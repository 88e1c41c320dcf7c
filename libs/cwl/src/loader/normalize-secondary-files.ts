import type { SecondaryFileSchema } from '../model/cwl.types';
import { isRecord } from '../util/json';

/** Normalizes `secondaryFiles` (string, list, objects) into `{pattern, required?}` entries. */
export function normalizeSecondaryFiles(raw: unknown): SecondaryFileSchema[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((entry) =>
    isRecord(entry)
      ? { pattern: String(entry.pattern), ...(entry.required !== undefined ? { required: entry.required as boolean | string } : {}) }
      : String(entry).endsWith('?') ? { pattern: String(entry).slice(0, -1), required: false } : { pattern: String(entry) },
  );
}
