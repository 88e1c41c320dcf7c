import { pythonFloatRepr, type ParameterValue } from '@saber/sweep';

/** A parameter value of a trial (JSON). */
export type ParamValue = number | string | boolean | null;

/** The values of one trial, by dimension name. */
export type Params = Record<string, ParamValue>;

/**
 * One dimension of a search space.
 * - `int`: the integers `low, low + step, …` up to `high` (inclusive).
 * - `float`: the reals in `[low, high]`; on a log scale when `log` (the study file's
 *   `log-float`). With `step` the values are `low + k·step` (a finite set); `points`
 *   only tells the grid sampler how many evenly spaced values to try.
 * - `choice`: a list of values: the original `range` (ordered when every value is a
 *   number, in file order) or a `categorical` (unordered).
 */
export type Dimension =
  | { kind: 'int'; name: string; low: number; high: number; step: number }
  | { kind: 'float'; name: string; low: number; high: number; log: boolean; step?: number; points?: number }
  | { kind: 'choice'; name: string; values: ParameterValue[]; ordered: boolean };

/** Number of values of a finite dimension; undefined for a continuous one. */
export function valueCount(d: Dimension): number | undefined {
  switch (d.kind) {
    case 'int':
      return Math.floor((d.high - d.low) / d.step + 1e-9) + 1;
    case 'float':
      return d.step === undefined ? undefined : Math.floor((d.high - d.low) / d.step + 1e-9) + 1;
    case 'choice':
      return d.values.length;
  }
}

/** Values the grid sampler tries, in order; undefined when the dimension has neither step nor points. */
export function gridValues(d: Dimension): ParamValue[] | undefined {
  const n = valueCount(d);
  if (d.kind === 'choice') return d.values.map((v) => v.value);
  if (n !== undefined) return Array.from({ length: n }, (_, k) => valueAt(d, k));
  if (d.kind === 'float' && d.points !== undefined) {
    const p = d.points;
    if (p === 1) return [d.log ? Math.sqrt(d.low * d.high) : (d.low + d.high) / 2];
    return Array.from({ length: p }, (_, k) => (d.log ? Math.exp(Math.log(d.low) + ((Math.log(d.high) - Math.log(d.low)) * k) / (p - 1)) : d.low + ((d.high - d.low) * k) / (p - 1)));
  }
  return undefined;
}

/** Value `k` of a finite numeric dimension. */
function valueAt(d: Extract<Dimension, { kind: 'int' | 'float' }>, k: number): number {
  const v = d.low + k * d.step!;
  return d.kind === 'float' ? roundFloat(v, d.step!) : v;
}

/** Removes float noise from `low + k·step` (0.30000000000000004 → 0.3) at the step's precision. */
function roundFloat(v: number, step: number): number {
  const digits = Math.max(0, Math.min(15, Math.ceil(-Math.log10(step)) + 6));
  return Number(v.toFixed(digits));
}

/** Position of a choice value in `values` (by JSON equality), or -1. */
export function choiceIndex(d: Extract<Dimension, { kind: 'choice' }>, value: ParamValue): number {
  return d.values.findIndex((v) => v.value === value);
}

/**
 * Ranks of an ordered choice's values: `ranks[i]` is the position of `values[i]` when
 * sorted by number (the file order may be unsorted, e.g. `[19, 20, 34, 12, 16]`).
 */
export function choiceRanks(d: Extract<Dimension, { kind: 'choice' }>): number[] {
  const order = d.values.map((v, i) => ({ v: Number(v.value), i })).sort((a, b) => a.v - b.v || a.i - b.i);
  const ranks = new Array<number>(d.values.length);
  order.forEach((o, r) => (ranks[o.i] = r));
  return ranks;
}

/** True when samplers may model the dimension as a number line (all but unordered choices). */
export function isNumeric(d: Dimension): boolean {
  return d.kind !== 'choice' || d.ordered;
}

/**
 * Maps a value to `[0, 1]`: linear (or logarithmic) for floats; for finite
 * dimensions the centre of the value's cell, `(k + 0.5) / n`, so that every value
 * owns an equal share of the unit interval. Unordered choices: the same on the index.
 */
export function toUnit(d: Dimension, value: ParamValue): number {
  if (d.kind === 'float' && d.step === undefined) {
    const v = Number(value);
    return d.log ? (Math.log(v) - Math.log(d.low)) / (Math.log(d.high) - Math.log(d.low)) : (v - d.low) / (d.high - d.low);
  }
  const n = valueCount(d)!;
  let k: number;
  if (d.kind === 'choice') {
    const i = choiceIndex(d, value);
    k = d.ordered ? choiceRanks(d)[i]! : i;
  } else {
    k = Math.round((Number(value) - d.low) / d.step!);
  }
  return (Math.max(0, Math.min(n - 1, k)) + 0.5) / n;
}

/** The inverse of {@link toUnit}: a value of the dimension for `u` in `[0, 1]` (clamped). */
export function fromUnit(d: Dimension, u: number): ParamValue {
  const x = Math.max(0, Math.min(1, u));
  if (d.kind === 'float' && d.step === undefined) {
    const v = d.log ? Math.exp(Math.log(d.low) + x * (Math.log(d.high) - Math.log(d.low))) : d.low + x * (d.high - d.low);
    return Math.max(d.low, Math.min(d.high, v));
  }
  const n = valueCount(d)!;
  const k = Math.min(n - 1, Math.floor(x * n));
  if (d.kind === 'choice') {
    if (!d.ordered) return d.values[k]!.value;
    const ranks = choiceRanks(d);
    return d.values[ranks.indexOf(k)]!.value;
  }
  return valueAt(d, k);
}

/**
 * The value as the original SABER wrote it (Python's `str()` in `text`), so that a
 * `string` workflow input receives `1.0` for a float and `3` for an int, like a
 * swept value of a parameterization file.
 */
export function parameterValue(d: Dimension, value: ParamValue): ParameterValue {
  if (d.kind === 'choice') {
    const i = choiceIndex(d, value);
    if (i >= 0) return d.values[i]!;
  }
  if (typeof value === 'number') {
    return d.kind === 'int' || (d.kind === 'choice' && Number.isInteger(value))
      ? { text: String(value), value, kind: 'int' }
      : { text: pythonFloatRepr(value), value, kind: 'float' };
  }
  if (typeof value === 'boolean') return { text: value ? 'True' : 'False', value, kind: 'bool' };
  if (value === null) return { text: 'None', value, kind: 'null' };
  return { text: value, value, kind: 'str' };
}

/** How a dimension is described in messages and events: `float 0.3..0.7`, `log-float 1e-05..0.1`, `int 1..20`, `5 values`. */
export function describeDimension(d: Dimension): string {
  switch (d.kind) {
    case 'int':
      return `int ${d.low}..${d.high}${d.step !== 1 ? ` step ${d.step}` : ''}`;
    case 'float':
      return `${d.log ? 'log-float' : 'float'} ${d.low}..${d.high}${d.step !== undefined ? ` step ${d.step}` : ''}`;
    case 'choice':
      return `${d.ordered ? 'range' : 'categorical'} of ${d.values.length} value${d.values.length === 1 ? '' : 's'}`;
  }
}
