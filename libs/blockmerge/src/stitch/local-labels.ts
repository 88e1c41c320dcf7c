import { isUnsignedLabels, labelMax, type LabelArray } from '@saber/imaging';
import { InvalidLabelsError } from '../errors';

/**
 * How one block's labels map to consecutive global ids. `dense`: label `l` is id
 * `offset + l` (labels `1..max`, the usual output of a labelling kernel). `sparse`: the
 * block's distinct labels, sorted, are numbered `1..n` (labels such as 10^12 or random
 * 64-bit ids would otherwise waste the id space).
 */
export type LocalIdTable =
  | { readonly kind: 'dense'; readonly count: number }
  | { readonly kind: 'sparse'; readonly count: number; readonly values: Float64Array | BigUint64Array };

/** Dense numbering is used while the largest label is at most `2 * voxels + DENSE_SLACK`. */
export const DENSE_SLACK = 1024;

/**
 * A block's local ids: unsigned labels numbered densely are their own ids (no copy), any
 * other labels are converted to Uint32.
 */
export type LocalIds = Uint8Array | Uint16Array | Uint32Array;

/** True for labels that {@link localize} keeps as they are when they number densely (no `scratch` needed). */
export function keepsLabels(labels: LabelArray): labels is LocalIds {
  return labels instanceof Uint8Array || labels instanceof Uint16Array || labels instanceof Uint32Array;
}

/**
 * Local ids (0 = background, `1..table.count`) of a block's labels, plus the table that
 * gives the same numbering again later. Labels must be non-negative integers. Dense
 * Uint8, Uint16 and Uint32 labels are returned as the ids themselves; ids converted from
 * another number type are written into `scratch` when it is long enough (then they are
 * valid until its next use).
 */
export function localize(labels: LabelArray, what: string, scratch?: Uint32Array): { ids: LocalIds; table: LocalIdTable } {
  const n = labels.length;
  if (labels instanceof BigInt64Array || labels instanceof BigUint64Array) {
    let max = 0n;
    for (let i = 0; i < n; i++) {
      const v = labels[i]!;
      if (v < 0n) throw new InvalidLabelsError(`${what}: negative label ${v} at voxel ${i}`);
      if (v > max) max = v;
    }
    if (max <= BigInt(2 * n + DENSE_SLACK)) {
      const ids = new Uint32Array(n);
      for (let i = 0; i < n; i++) ids[i] = Number(labels[i]);
      return { ids, table: { kind: 'dense', count: Number(max) } };
    }
    const values = BigUint64Array.from(new Set(Array.from(labels as ArrayLike<bigint>, (v) => BigInt.asUintN(64, v)))).sort();
    const start = values[0] === 0n ? 1 : 0;
    const distinct = values.subarray(start);
    const rank = new Map<bigint, number>();
    for (let k = 0; k < distinct.length; k++) rank.set(distinct[k]!, k + 1);
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) ids[i] = labels[i] === 0n ? 0 : rank.get(BigInt.asUintN(64, labels[i]!))!;
    return { ids, table: { kind: 'sparse', count: distinct.length, values: BigUint64Array.from(distinct) } };
  }
  let max = 0;
  if (isUnsignedLabels(labels)) max = labelMax(labels);
  else {
    for (let i = 0; i < n; i++) {
      const v = labels[i]!;
      if (!(v >= 0 && Number.isInteger(v))) throw new InvalidLabelsError(`${what}: label ${v} at voxel ${i} is not a non-negative integer`);
      if (v > max) max = v;
    }
  }
  if (max <= 2 * n + DENSE_SLACK) {
    return { ids: keepsLabels(labels) ? labels : toUint32(labels, scratch), table: { kind: 'dense', count: max } };
  }
  const values = Float64Array.from(new Set(Array.from(labels as ArrayLike<number>))).sort();
  const distinct = values[0] === 0 ? values.subarray(1) : values;
  const rank = new Map<number, number>();
  for (let k = 0; k < distinct.length; k++) rank.set(distinct[k]!, k + 1);
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = labels[i] === 0 ? 0 : rank.get(labels[i] as number)!;
  return { ids, table: { kind: 'sparse', count: distinct.length, values: Float64Array.from(distinct) } };
}

/**
 * Labels of a number type (non-negative integers, checked by the caller) as Uint32: in
 * `scratch` when it is long enough (fresh memory costs a page fault per 4 KiB), else new.
 */
function toUint32(labels: Exclude<LabelArray, BigInt64Array | BigUint64Array>, scratch?: Uint32Array): Uint32Array {
  const ids = scratch && scratch.length >= labels.length ? scratch.subarray(0, labels.length) : new Uint32Array(labels.length);
  ids.set(labels);
  return ids;
}

/** Local ids of `labels` under an existing table (a second read of part of the same block), kept or converted as in {@link localize}. */
export function relocalize(labels: LabelArray, table: LocalIdTable, what: string, scratch?: Uint32Array): LocalIds {
  const n = labels.length;
  if (table.kind === 'dense') {
    if (isUnsignedLabels(labels)) {
      const max = labelMax(labels);
      if (max > table.count) throw new InvalidLabelsError(`${what}: label ${max} was not there on the first read`);
      return keepsLabels(labels) ? labels : toUint32(labels, scratch);
    }
    const ids = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const v = Number(labels[i]);
      if (!(v >= 0 && v <= table.count && Number.isInteger(v))) throw new InvalidLabelsError(`${what}: label ${labels[i]} was not there on the first read`);
      ids[i] = v;
    }
    return ids;
  }
  const rank = new Map<number | bigint, number>();
  for (let k = 0; k < table.values.length; k++) rank.set(table.values[k]!, k + 1);
  const big = table.values instanceof BigUint64Array;
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const raw = labels[i]!;
    if (raw === 0 || raw === 0n) continue;
    const key = big ? BigInt.asUintN(64, BigInt(raw)) : Number(raw);
    const r = rank.get(key);
    if (r === undefined) throw new InvalidLabelsError(`${what}: label ${raw} was not there on the first read`);
    ids[i] = r;
  }
  return ids;
}

/** The local id of a raw label under a table (0 for 0 or an unknown label). */
export function localIdOf(label: number | bigint, table: LocalIdTable): number {
  if (label === 0 || label === 0n) return 0;
  if (table.kind === 'dense') {
    const v = Number(label);
    return v >= 1 && v <= table.count && Number.isInteger(v) ? v : 0;
  }
  const values = table.values;
  const big = values instanceof BigUint64Array;
  const key = big ? BigInt.asUintN(64, BigInt(label)) : Number(label);
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = values[mid]!;
    if (v === key) return mid + 1;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}
