import { PyFloat, pythonFloatRepr, type ParameterValue } from '@saber/sweep';

/** A loaded YAML mapping (not a list, not a PyFloat). */
export function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** The number of a YAML int or float, else undefined (booleans are not numbers). */
export function numberOf(v: unknown): { n: number; float: boolean } | undefined {
  if (v instanceof PyFloat) return { n: v.value, float: true };
  if (typeof v === 'number') return { n: v, float: false };
  return undefined;
}

/** A YAML scalar as the original's parameter value (Python `str()` in `text`), or undefined for lists and mappings. */
export function scalarOf(v: unknown): ParameterValue | undefined {
  if (v instanceof PyFloat) return { text: pythonFloatRepr(v.value), value: v.value, kind: 'float' };
  if (typeof v === 'number') return { text: String(v), value: v, kind: 'int' };
  if (typeof v === 'boolean') return { text: v ? 'True' : 'False', value: v, kind: 'bool' };
  if (v === null || v === undefined) return { text: 'None', value: null, kind: 'null' };
  if (typeof v === 'string') return { text: v, value: v, kind: 'str' };
  return undefined;
}

/** How a loaded YAML value is named in messages: `5`, `1.0`, `"a"`, a list, a mapping. */
export function describe(v: unknown): string {
  if (v instanceof PyFloat) return pythonFloatRepr(v.value);
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}
