import type { CwlType, ProcessBase } from '../model/cwl.types';

/**
 * Expands a prefixed IRI (`edam:format_2330`) with `$namespaces`
 * (`http://edamontology.org/format_2330`). Expressions, full IRIs and unknown
 * prefixes are returned unchanged.
 */
export function expandIri(value: string, namespaces: Readonly<Record<string, string>> | undefined): string {
  if (!namespaces || value.includes('$(') || value.includes('${')) return value;
  const colon = value.indexOf(':');
  if (colon <= 0) return value;
  const prefix = value.slice(0, colon);
  const base = namespaces[prefix];
  return base !== undefined && !value.startsWith(`${prefix}://`) ? base + value.slice(colon + 1) : value;
}

/** Expands `format` of a process's inputs, outputs and their record fields in place. */
export function expandFormats(process: ProcessBase, namespaces: Readonly<Record<string, string>>): void {
  if (Object.keys(namespaces).length === 0) return;
  const expand = (f: unknown): unknown => (typeof f === 'string' ? expandIri(f, namespaces) : Array.isArray(f) ? f.map(expand) : f);
  const visitType = (t: CwlType): void => {
    if (Array.isArray(t)) t.forEach(visitType);
    else if (typeof t === 'object' && t.type === 'array') visitType(t.items);
    else if (typeof t === 'object' && t.type === 'record') {
      for (const field of t.fields) {
        if (field.format !== undefined) field.format = expand(field.format);
        visitType(field.type);
      }
    }
  };
  for (const p of [...process.inputs, ...process.outputs]) {
    if (p.format !== undefined) p.format = expand(p.format);
    visitType(p.type);
  }
}
