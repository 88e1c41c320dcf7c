import { numberValue, type ParameterValue } from '../yaml/python-values';
import type { MetaparameterRange } from './parameterization.types';

type Arange = Extract<MetaparameterRange, { kind: 'arange' }>;

/**
 * Length of `numpy.arange(start, stop, step)`: `ceil((stop - start) / step)`, at
 * least 0, computed in floating point as numpy does.
 */
export function arangeLength(r: Pick<Arange, 'start' | 'stop' | 'step'>): number {
  return Math.max(0, Math.ceil((r.stop - r.start) / r.step));
}

/**
 * Element `i` of `numpy.arange`. For float64, numpy fills `start + i * delta` with
 * `delta = (start + step) - start`, so `arange(1, 1.3, 0.1)[2]` is
 * `1.2000000000000002`, not `1 + 2 * 0.1`.
 */
export function arangeAt(r: Arange, i: number): number {
  if (!r.float) return r.start + i * r.step;
  if (i === 0) return r.start;
  const delta = r.start + r.step - r.start;
  return r.start + i * delta;
}

/** The number of values of a range. */
export function rangeLength(r: MetaparameterRange): number {
  return r.kind === 'list' ? r.values.length : arangeLength(r);
}

/** Value `i` of a range, as Python held it. */
export function rangeValue(r: MetaparameterRange, i: number): ParameterValue {
  return r.kind === 'list' ? r.values[i]! : numberValue(arangeAt(r, i), r.float);
}

/**
 * The original's block-mode upper bound `min(v + step, stop)`, with Python's typing:
 * `v + step` has the range's type; Python's `min` returns the first argument unless
 * the second is strictly smaller, and then `stop` keeps its own type (int or float).
 */
export function blockMax(r: Arange, v: number): ParameterValue {
  const next = v + r.step;
  return r.stop < next ? numberValue(r.stop, r.stopFloat) : numberValue(next, r.float);
}
