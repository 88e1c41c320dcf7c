/**
 * Python's view of YAML scalars. The original SABER loaded parameterization files
 * with PyYAML and wrote `str(value)` into the step inputs, so `1.0` stayed `"1.0"`
 * and `yes` became `"True"`. JavaScript numbers cannot tell `1.0` from `1`: floats
 * are therefore loaded as {@link PyFloat} and formatted with {@link pythonFloatRepr}.
 */

/** A YAML float (`1.0`, `.5`, `1.0e+3`), kept apart from integers as Python does. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** What Python held after loading: int, float, bool, None or str. */
export type PyKind = 'int' | 'float' | 'bool' | 'null' | 'str';

/**
 * A parameter value as the original SABER produced it: `text` is Python's `str()` of
 * the value, exactly what the original wrote into the step's inputs; `value` is the
 * JSON value SABER uses for typed CWL inputs.
 */
export interface ParameterValue {
  /** Python's `str()`: `"4300"`, `"0.30000000000000004"`, `"1.0"`, `"True"`, `"None"`. */
  text: string;
  /** The JSON value: a number for int and float, else the boolean, null or string. */
  value: number | string | boolean | null;
  /** The Python type it had. */
  kind: PyKind;
}

/**
 * `repr(float)` / `str(float)` of Python 3 (and of numpy float64): the shortest
 * round-tripping digits, in fixed notation for decimal exponents -4..15 (always with
 * a fractional part: `1.0`), else scientific with a two-digit exponent (`1e-05`, `1e+16`).
 */
export function pythonFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  const digits = mantissa!.replace('.', '');
  const e = Number(exp);
  const sign = x < 0 ? '-' : '';
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const int = digits.slice(0, e + 1).padEnd(e + 1, '0');
  const frac = digits.slice(e + 1);
  return `${sign}${int}.${frac || '0'}`;
}

/** A Python int or float (`numpy.int64` / `numpy.float64`) as a parameter value. */
export function numberValue(n: number, float: boolean): ParameterValue {
  return float ? { text: pythonFloatRepr(n), value: n, kind: 'float' } : { text: String(n), value: n, kind: 'int' };
}

/**
 * A loaded YAML scalar as a parameter value (Python `str()` semantics), or undefined
 * for a list or mapping.
 */
export function scalarValue(v: unknown): ParameterValue | undefined {
  if (v instanceof PyFloat) return numberValue(v.value, true);
  if (typeof v === 'number') return numberValue(v, false);
  if (typeof v === 'boolean') return { text: v ? 'True' : 'False', value: v, kind: 'bool' };
  if (v === null || v === undefined) return { text: 'None', value: null, kind: 'null' };
  if (typeof v === 'string') return { text: v, value: v, kind: 'str' };
  return undefined;
}

/** The number of a YAML int or float, else undefined (booleans are not numbers here). */
export function numberOf(v: unknown): { n: number; float: boolean } | undefined {
  if (v instanceof PyFloat) return { n: v.value, float: true };
  if (typeof v === 'number') return { n: v, float: false };
  return undefined;
}

/** How a loaded YAML value is named in messages: `5`, `1.0`, `"a"`, a list, a mapping. */
export function describeYaml(v: unknown): string {
  if (v instanceof PyFloat) return pythonFloatRepr(v.value);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return 'a list';
  if (v !== null && typeof v === 'object') return 'a mapping';
  return String(v);
}
