import type { Rng } from '../random/rng';
import { fromUnit, gridValues, valueCount, type Dimension, type ParamValue, type Params } from './dimension';

/** The dimensions of a study, in file order (the order of the grid: the last varies fastest). */
export type SearchSpace = readonly Dimension[];

/** Points of the full grid (every dimension has `gridValues`), else undefined. */
export function gridSize(space: SearchSpace): number | undefined {
  let n = 1;
  for (const d of space) {
    const v = gridValues(d);
    if (!v) return undefined;
    n *= v.length;
  }
  return n;
}

/** Point `index` of the grid, the last dimension varying fastest (the original's `itertools.product`). */
export function gridPoint(space: SearchSpace, index: number): Params {
  const params: Params = {};
  let rest = index;
  const values = space.map((d) => gridValues(d)!);
  for (let i = space.length - 1; i >= 0; i--) {
    const v = values[i]!;
    params[space[i]!.name] = v[rest % v.length]!;
    rest = Math.floor(rest / v.length);
  }
  return orderLike(space, params);
}

/** Distinct points of a space whose dimensions are all finite (`int`, `choice`, stepped `float`), else undefined. */
export function discreteSize(space: SearchSpace): number | undefined {
  let n = 1;
  for (const d of space) {
    const c = valueCount(d);
    if (c === undefined) return undefined;
    n *= c;
  }
  return n;
}

/** Point `index` of a discrete space (mixed radix, last dimension fastest). */
export function discretePoint(space: SearchSpace, index: number): Params {
  const params: Params = {};
  let rest = index;
  for (let i = space.length - 1; i >= 0; i--) {
    const d = space[i]!;
    const n = valueCount(d)!;
    params[d.name] = fromUnit(d, ((rest % n) + 0.5) / n);
    rest = Math.floor(rest / n);
  }
  return orderLike(space, params);
}

/** A point drawn uniformly (log-uniformly for log floats). */
export function uniformPoint(space: SearchSpace, rng: Rng): Params {
  const params: Params = {};
  for (const d of space) params[d.name] = fromUnit(d, rng.float());
  return params;
}

/** A canonical text of a point, to tell repeated points apart. */
export function pointKey(space: SearchSpace, params: Params): string {
  return JSON.stringify(space.map((d) => params[d.name] ?? null));
}

function orderLike(space: SearchSpace, params: Record<string, ParamValue>): Params {
  const out: Params = {};
  for (const d of space) out[d.name] = params[d.name]!;
  return out;
}
