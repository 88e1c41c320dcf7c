import type { CwlType, RecordField } from '../model/cwl.types';
import { isRecord, shortName } from '../util/json';
import { normalizeSecondaryFiles } from './normalize-secondary-files';

/** Named types from `SchemaDefRequirement`, by short name. */
export type SchemaDefs = ReadonlyMap<string, CwlType>;

/** Primitive and special type names of CWL. */
export const PRIMITIVE_TYPES: ReadonlySet<string> = new Set([
  'null', 'boolean', 'int', 'long', 'float', 'double', 'string', 'File', 'Directory', 'Any', 'stdout', 'stderr',
]);

/**
 * Expands a raw CWL type: `T?` → `['null', T]`, `T[]` → `{type: 'array', items: T}`,
 * map-form record fields → lists, enum symbols and field names → short names,
 * references to `SchemaDefRequirement` types → inlined definitions.
 */
export function normalizeType(raw: unknown, defs: SchemaDefs): CwlType {
  if (typeof raw === 'string') return expandShorthand(raw, defs);
  if (Array.isArray(raw)) return flattenUnion(raw.map((t) => normalizeType(t, defs)));
  if (!isRecord(raw)) return 'Any';
  const { type } = raw;
  if (type === 'array') {
    return dropUndefined({ ...raw, type: 'array', items: normalizeType(raw.items, defs) }) as unknown as CwlType;
  }
  if (type === 'record') {
    return dropUndefined({ ...raw, type: 'record', name: nameOf(raw.name), fields: normalizeFields(raw.fields, defs) }) as unknown as CwlType;
  }
  if (type === 'enum') {
    const symbols = Array.isArray(raw.symbols) ? raw.symbols.map((s) => shortName(String(s))) : [];
    return dropUndefined({ ...raw, type: 'enum', name: nameOf(raw.name), symbols }) as unknown as CwlType;
  }
  return normalizeType(type, defs);
}

function normalizeFields(raw: unknown, defs: SchemaDefs): RecordField[] {
  const entries: [string, unknown][] = Array.isArray(raw)
    ? raw.map((f) => [isRecord(f) ? String(f.name ?? f.id ?? '') : '', f])
    : isRecord(raw)
      ? Object.entries(raw)
      : [];
  return entries.map(([name, f]) => {
    const body = isRecord(f) ? f : { type: f };
    const { id: _id, ...rest } = body;
    const field = { ...rest, name: shortName(name), type: normalizeType(body.type, defs), secondaryFiles: normalizeSecondaryFiles(body.secondaryFiles) };
    return dropUndefined(field) as unknown as RecordField;
  });
}

function expandShorthand(name: string, defs: SchemaDefs): CwlType {
  if (name.endsWith('?')) return flattenUnion(['null', expandShorthand(name.slice(0, -1), defs)]);
  if (name.endsWith('[]')) return { type: 'array', items: expandShorthand(name.slice(0, -2), defs) };
  const bare = name.replace(/^.*#/, '');
  if (PRIMITIVE_TYPES.has(bare)) return bare;
  const def = defs.get(bare) ?? defs.get(shortName(name));
  return def ?? bare;
}

function flattenUnion(types: CwlType[]): CwlType {
  const out: CwlType[] = [];
  for (const t of types) for (const member of Array.isArray(t) ? t : [t]) if (!out.some((o) => o === member && typeof o === 'string')) out.push(member);
  return out;
}

function nameOf(name: unknown): string | undefined {
  return typeof name === 'string' ? shortName(name) : undefined;
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** Renders a normalized type in CWL shorthand for messages: `File[]`, `int?`, `record`. */
export function typeToString(type: CwlType): string {
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    const nonNull = type.filter((t) => t !== 'null');
    const inner = nonNull.length === 1 ? typeToString(nonNull[0]) : `(${nonNull.map(typeToString).join(' | ')})`;
    return nonNull.length < type.length ? `${inner}?` : inner;
  }
  if (type.type === 'array') return `${typeToString(type.items)}[]`;
  if (type.type === 'enum') return `enum(${type.symbols.join(', ')})`;
  return type.name ? `record ${type.name}` : 'record';
}
