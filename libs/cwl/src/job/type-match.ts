import type { CwlType } from '../model/cwl.types';
import { isExactNumber } from '../util/exact-number';
import { isRecord } from '../util/json';

/**
 * True when `value` conforms to the normalized CWL `type`. `undefined` counts as
 * `null`. Unknown named types match anything (they were validated at load).
 */
export function matchesType(value: unknown, type: CwlType): boolean {
  if (Array.isArray(type)) return type.some((t) => matchesType(value, t));
  if (typeof type === 'string') return matchesNamed(value, type);
  if (type.type === 'array') return Array.isArray(value) && value.every((v) => matchesType(v, type.items));
  if (type.type === 'enum') return typeof value === 'string' && type.symbols.includes(value);
  if (!isRecord(value) || value.class === 'File' || value.class === 'Directory' || isExactNumber(value)) return false;
  return type.fields.every((f) => matchesType(value[f.name], f.type));
}

/** The first member of a (possibly union) type that `value` conforms to. */
export function matchingMember(value: unknown, type: CwlType): CwlType | undefined {
  if (!Array.isArray(type)) return matchesType(value, type) ? type : undefined;
  for (const t of type) {
    const m = matchingMember(value, t);
    if (m !== undefined) return m;
  }
  return undefined;
}

function matchesNamed(value: unknown, name: string): boolean {
  switch (name) {
    case 'null':
      return value === null || value === undefined;
    case 'Any':
      return value !== null && value !== undefined;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
      return (typeof value === 'number' && Number.isInteger(value)) || isExactNumber(value);
    case 'float':
    case 'double':
      return typeof value === 'number' || isExactNumber(value);
    case 'string':
      return typeof value === 'string';
    case 'File':
    case 'stdout':
    case 'stderr':
      return isRecord(value) && value.class === 'File';
    case 'Directory':
      return isRecord(value) && value.class === 'Directory';
    default:
      return true;
  }
}

/** A short description of a value's JSON type for error messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isExactNumber(value)) return `number ${value.$bigint}`;
  if (isRecord(value)) return typeof value.class === 'string' ? `a ${value.class}` : 'an object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}
