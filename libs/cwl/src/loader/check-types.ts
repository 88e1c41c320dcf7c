import type { CwlType } from '../model/cwl.types';
import { closestName } from '../util/suggest';
import { isRecord } from '../util/json';
import { report, type NormalizeContext, type Scope } from './normalize-context';
import { entriesOf } from './normalize-params';
import { PRIMITIVE_TYPES } from './normalize-type';

/**
 * Reports type names in raw `inputs`/`outputs` declarations that are neither CWL
 * types nor `SchemaDefRequirement` names (`strng`, `Flie[]`), at the type's position.
 * Namespaced or absolute names (`x:T`, `#T`) are left to later stages.
 */
export function checkDeclaredTypes(params: unknown, what: 'input' | 'output', ctx: NormalizeContext, scope: Scope): void {
  for (const { id, body, key } of entriesOf(params)) {
    const synthesized = !(Array.isArray(params) ? params[key as number] === body : isRecord(params) && params[key] === body);
    const [node, field] = synthesized ? [params, key] : [body, 'type'];
    const bad = unknownTypeName(body.type, scope);
    if (bad === undefined) continue;
    const hint = closestName(bad, [...PRIMITIVE_TYPES, ...scope.schemaDefs.keys()]);
    const expected = hint ? `did you mean '${hint}'?` : `expected a CWL type (${[...PRIMITIVE_TYPES].join(', ')}) or a SchemaDefRequirement name`;
    report(ctx, scope, node, field, `${what} '${id.replace(/^.*[#/]/, '')}': unknown type '${bad}'; ${expected}`, 'value');
  }
}

function unknownTypeName(raw: unknown, scope: Scope): string | undefined {
  if (typeof raw === 'string') {
    const bare = raw.replace(/(\?|\[\])+$/, '');
    if (bare.includes(':') || bare.includes('#') || bare === 'stdin' || PRIMITIVE_TYPES.has(bare) || scope.schemaDefs.has(bare)) return undefined;
    return bare;
  }
  if (Array.isArray(raw)) {
    for (const t of raw) {
      const bad = unknownTypeName(t, scope);
      if (bad !== undefined) return bad;
    }
    return undefined;
  }
  if (!isRecord(raw)) return undefined;
  if (raw.type === 'array') return unknownTypeName(raw.items, scope);
  if (raw.type === 'record') {
    const fields = Array.isArray(raw.fields) ? raw.fields.map((f) => (isRecord(f) ? f.type : undefined)) : isRecord(raw.fields) ? Object.values(raw.fields).map((f) => (isRecord(f) ? f.type : f)) : [];
    return unknownTypeName(fields.filter((f) => f !== undefined), scope);
  }
  if (raw.type === 'enum') return undefined;
  return unknownTypeName(raw.type, scope);
}

const NUMERIC = ['int', 'long', 'float', 'double'];

/**
 * True when a value of type `src` may be passed to a parameter of type `sink`.
 * Lenient like cwltool: a union matches when any member does, `Any` and
 * unresolved names match everything, numbers widen (`int` → `long`/`float`/`double`).
 */
export function canFlow(src: CwlType, sink: CwlType): boolean {
  if (Array.isArray(src)) return src.some((s) => canFlow(s, sink));
  if (Array.isArray(sink)) return sink.some((s) => canFlow(src, s));
  if (typeof src === 'string' && typeof sink === 'string') {
    const a = src === 'stdout' || src === 'stderr' ? 'File' : src;
    if (a === sink || a === 'Any' || sink === 'Any' || !PRIMITIVE_TYPES.has(a) || !PRIMITIVE_TYPES.has(sink)) return true;
    return NUMERIC.includes(a) && NUMERIC.indexOf(sink) >= NUMERIC.indexOf(a);
  }
  if (typeof src === 'string') return src === 'Any' || !PRIMITIVE_TYPES.has(src) || (src === 'string' && typeof sink !== 'string' && sink.type === 'enum');
  if (typeof sink === 'string') return sink === 'Any' || !PRIMITIVE_TYPES.has(sink) || (sink === 'string' && src.type === 'enum');
  if (src.type === 'array' && sink.type === 'array') return canFlow(src.items, sink.items);
  return src.type === sink.type;
}
