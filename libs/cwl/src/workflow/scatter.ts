import type { ScatterMethod } from '../model/cwl.types';

/** The jobs of a scattered step: shape, and how to find each job's element indices. */
export interface ScatterPlan {
  /** `[n]` for dotproduct/flat_crossproduct, one length per input for nested_crossproduct. */
  shape: number[];
  /** Number of jobs. */
  count: number;
  /** Element index into each scattered input for job `k` (O(inputs), no allocation of all combinations). */
  elementIndices(k: number): number[];
  /** The scatter index reported for job `k` (`[k]`, or one index per dimension for nested). */
  scatterIndex(k: number): number[];
}

/**
 * Plans a scatter over arrays of the given lengths. `dotproduct` needs equal
 * lengths; the crossproducts enumerate combinations with the last input varying fastest.
 *
 * @throws Error when dotproduct lengths differ
 */
export function planScatter(lengths: number[], method: ScatterMethod | undefined): ScatterPlan {
  const m = method ?? 'dotproduct';
  if (lengths.length <= 1 || m === 'dotproduct') {
    if (new Set(lengths).size > 1) throw new Error(`dotproduct scatter over arrays of different lengths (${lengths.join(', ')})`);
    const n = lengths[0] ?? 0;
    return { shape: [n], count: n, elementIndices: (k) => lengths.map(() => k), scatterIndex: (k) => [k] };
  }
  const count = lengths.reduce((a, b) => a * b, 1);
  const elementIndices = (k: number): number[] => {
    const out = new Array<number>(lengths.length);
    let rest = k;
    for (let d = lengths.length - 1; d >= 0; d--) {
      out[d] = rest % lengths[d];
      rest = Math.floor(rest / lengths[d]);
    }
    return out;
  };
  if (m === 'flat_crossproduct') return { shape: [count], count, elementIndices, scatterIndex: (k) => [k] };
  return { shape: lengths, count, elementIndices, scatterIndex: elementIndices };
}

/** Reshapes a flat list of `count` values into nested lists of `shape` (row-major). */
export function reshape(values: unknown[], shape: number[]): unknown[] {
  if (shape.length <= 1) return values;
  const [, ...inner] = shape;
  const size = inner.reduce((a, b) => a * b, 1);
  const out: unknown[] = [];
  for (let i = 0; i < shape[0]; i++) out.push(reshape(values.slice(i * size, (i + 1) * size), inner));
  return out;
}
