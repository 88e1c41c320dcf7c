import type { LinkMergeMethod, PickValueMethod } from '../model/cwl.types';

/** A value that may come from several sources. */
export interface SourcedValue {
  source: string[];
  sourceIsList?: boolean;
  linkMerge?: LinkMergeMethod;
  pickValue?: PickValueMethod;
}

/** Thrown by {@link pickValue} when the values violate the method (message only). */
export class PickValueError extends Error {}

/**
 * Combines the values of a parameter's sources: a single source passes through;
 * several sources (or an explicit `linkMerge`) are merged (`merge_nested`: list of
 * values; `merge_flattened`: lists concatenated); then `pickValue` is applied.
 */
export function mergeSources(param: SourcedValue, valueOf: (ref: string) => unknown): unknown {
  let value: unknown;
  if (param.source.length === 1 && !param.linkMerge) value = valueOf(param.source[0]);
  else {
    const values = param.source.map(valueOf);
    value = (param.linkMerge ?? 'merge_nested') === 'merge_flattened' ? values.flatMap((v) => (Array.isArray(v) ? v : [v])) : values;
  }
  return param.pickValue ? pickValue(value, param.pickValue) : value;
}

/** Applies a CWL v1.2 `pickValue` method to a list (a non-list counts as a one-item list). */
export function pickValue(value: unknown, method: PickValueMethod): unknown {
  const list = Array.isArray(value) ? value : [value];
  const nonNull = list.filter((v) => v !== null && v !== undefined);
  if (method === 'all_non_null') return nonNull;
  if (method === 'first_non_null') {
    if (nonNull.length === 0) throw new PickValueError('pickValue first_non_null: all values are null');
    return nonNull[0];
  }
  if (nonNull.length !== 1) throw new PickValueError(`pickValue the_only_non_null: ${nonNull.length} non-null values`);
  return nonNull[0];
}
