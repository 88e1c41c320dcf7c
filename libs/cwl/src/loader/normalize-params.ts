import type { InputParameter, JsonValue, OutputParameter, Requirement } from '../model/cwl.types';
import { isRecord, shortName } from '../util/json';
import { resolveUri } from '../util/uri';
import { normalizeType, type SchemaDefs } from './normalize-type';
import { normalizeSecondaryFiles } from './normalize-secondary-files';

/** `[{id, ...}]` or `{id: body}` → `[[id, body, rawKeyOrIndex]]`; string/list bodies become `{type}`. */
export function entriesOf(raw: unknown, bodyKey = 'type'): { id: string; body: Record<string, unknown>; key: string | number }[] {
  if (Array.isArray(raw)) {
    return raw.map((entry, i) => {
      const body = isRecord(entry) ? entry : { id: String(entry) };
      return { id: typeof body.id === 'string' ? body.id : '', body, key: i };
    });
  }
  if (!isRecord(raw)) return [];
  return Object.entries(raw).map(([id, value]) => ({
    id,
    body: isRecord(value) && !('$import' in value) ? value : { [bodyKey]: value },
    key: id,
  }));
}

/** Makes File/Directory `location`/`path` inside a default value absolute, relative to `base`. */
export function resolveFileLocations(value: unknown, base: string): JsonValue {
  if (Array.isArray(value)) return value.map((v) => resolveFileLocations(v, base));
  if (!isRecord(value)) return value as JsonValue;
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = resolveFileLocations(v, base);
  if (value.class === 'File' || value.class === 'Directory') {
    const loc = typeof value.location === 'string' ? value.location : typeof value.path === 'string' ? value.path : undefined;
    if (loc !== undefined) {
      out.location = resolveUri(loc, base);
      delete out.path;
    }
  }
  return out;
}

/** Normalizes a list/map of process inputs. */
export function normalizeInputs(raw: unknown, base: string, defs: SchemaDefs): InputParameter[] {
  return entriesOf(raw).map(({ id, body }) => {
    const param: InputParameter = { ...body, id: shortName(id), type: normalizeType(body.type ?? 'Any', defs) };
    if (body.default !== undefined) param.default = resolveFileLocations(body.default, base);
    const sf = normalizeSecondaryFiles(body.secondaryFiles);
    if (sf) param.secondaryFiles = sf;
    else delete param.secondaryFiles;
    return param;
  });
}

/** Normalizes a list/map of process outputs; `refOf` turns an `outputSource` into a local reference. */
export function normalizeOutputs(raw: unknown, defs: SchemaDefs, refOf: (ref: string) => string): OutputParameter[] {
  return entriesOf(raw).map(({ id, body }) => {
    const param: OutputParameter = { ...body, id: shortName(id), type: normalizeType(body.type ?? 'Any', defs) };
    if (body.outputSource !== undefined) {
      const sources = Array.isArray(body.outputSource) ? body.outputSource : [body.outputSource];
      param.outputSource = sources.map((s) => refOf(String(s)));
      if (Array.isArray(body.outputSource)) param.sourceIsList = true;
    }
    const sf = normalizeSecondaryFiles(body.secondaryFiles);
    if (sf) param.secondaryFiles = sf;
    else delete param.secondaryFiles;
    return param;
  });
}

/** Normalizes requirements/hints in list form or `{Class: body}` map form. */
export function normalizeRequirements(raw: unknown): Requirement[] {
  if (Array.isArray(raw)) return raw.filter(isRecord).map((r) => ({ ...r, class: String(r.class) }));
  if (!isRecord(raw)) return [];
  return Object.entries(raw).map(([cls, body]) => ({ ...(isRecord(body) ? body : {}), class: cls }));
}

/**
 * Turns a source reference into a local one (`input` or `step/output`), given the
 * id of the enclosing workflow (`#main/step/out` in workflow `main` → `step/out`).
 */
export function localRef(ref: string, processId: string): string {
  let r = ref.includes('#') ? ref.slice(ref.indexOf('#') + 1) : ref;
  if (processId && r.startsWith(`${processId}/`)) r = r.slice(processId.length + 1);
  const parts = r.split('/');
  return parts.length > 2 ? parts.slice(-2).join('/') : r;
}
