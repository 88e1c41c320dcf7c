import * as yaml from 'js-yaml';
import { isRecord } from './json';

/**
 * Integers beyond 2^53 (e.g. `4200000000000000000000000000000000000000000`) cannot be
 * JavaScript numbers without losing digits, and CWL requires them to come out exactly
 * as they went in. The engine keeps them as an *exact number*: the plain JSON object
 * `{"$bigint": "<decimal digits>"}`. It is a plain object on purpose, so that it
 * survives every `JSON.stringify`/`JSON.parse` between SABER services unchanged;
 * {@link stringifyCwlJson} prints it back as a bare JSON number.
 */
export interface ExactNumber {
  /** Decimal digits, with a leading `-` for negative values. */
  $bigint: string;
}

/** The key marking an {@link ExactNumber}. */
export const EXACT_NUMBER_KEY = '$bigint';

/** True for an {@link ExactNumber}. */
export function isExactNumber(value: unknown): value is ExactNumber {
  return isRecord(value) && typeof value.$bigint === 'string' && Object.keys(value).length === 1 && /^-?\d+$/.test(value.$bigint);
}

/** A JS number when `digits` fits exactly, else an {@link ExactNumber}. */
export function exactInteger(digits: string): number | ExactNumber {
  const clean = digits.replace(/_/g, '').replace(/^\+/, '');
  const n = Number(clean);
  if (Number.isSafeInteger(n)) return n;
  const big = BigInt(clean);
  return { $bigint: big.toString() };
}

/** The (possibly rounded) JS number of a number or {@link ExactNumber}; other values unchanged. */
export function toNumber(value: unknown): unknown {
  return isExactNumber(value) ? Number(value.$bigint) : value;
}

/** True for numbers and {@link ExactNumber}s. */
export function isNumeric(value: unknown): boolean {
  return typeof value === 'number' || isExactNumber(value);
}

const MARK = '\u0000bigint:';

/**
 * `JSON.stringify` that prints {@link ExactNumber}s (and BigInts) as bare digits,
 * e.g. `{"a":4200000000000000000000000000000000000000000}`.
 */
export function stringifyCwlJson(value: unknown, indent?: number): string {
  let found = false;
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') v = { $bigint: v.toString() };
      if (isExactNumber(v)) {
        found = true;
        return `${MARK}${v.$bigint}`;
      }
      return v;
    },
    indent,
  );
  if (!found || text === undefined) return text;
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** Replaces every {@link ExactNumber} inside `value` by a (rounded) JS number, e.g. for JavaScript expressions. */
export function roundExactNumbers(value: unknown): unknown {
  if (isExactNumber(value)) return Number(value.$bigint);
  if (Array.isArray(value)) return value.map(roundExactNumbers);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = roundExactNumbers(v);
  return out;
}

/** js-yaml's own `int` type (present at run time, missing from its typings). */
const yamlInt = (yaml as unknown as { types: { int: { resolve(d: string): boolean; construct(d: string): number; represent: yaml.TypeConstructorOptions['represent'] } } }).types.int;

const exactInt = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string) => yamlInt.resolve(data),
  construct: (data: string) => {
    const n = yamlInt.construct(data);
    if (Number.isSafeInteger(n) || !/^[-+]?[0-9_]+$/.test(data)) return n;
    return exactInteger(data);
  },
  predicate: (o: unknown) => typeof o === 'number' && Number.isInteger(o),
  represent: yamlInt.represent,
  defaultStyle: 'decimal',
});

/** The YAML 1.2 core schema of js-yaml with decimal integers beyond 2^53 kept as {@link ExactNumber}s. */
export const CWL_YAML_SCHEMA: yaml.Schema = yaml.DEFAULT_SCHEMA.extend({ implicit: [exactInt] });

/**
 * Parses JSON (or YAML) text with integers beyond 2^53 kept exactly, e.g. a tool's
 * `cwl.output.json` or a job file.
 */
export function parseCwlJson(text: string, filename?: string): unknown {
  return yaml.load(text, { schema: CWL_YAML_SCHEMA, json: true, ...(filename ? { filename } : {}) });
}

/**
 * JSON as Python's `json.dumps` writes it by default (`, ` and `: ` separators),
 * which is what CWL runners produce when an expression's non-string value is
 * interpolated into a string or written as an InitialWorkDir file; exact numbers
 * are printed as digits.
 */
export function pythonStyleJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (isExactNumber(value)) return value.$bigint;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  if (typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(pythonStyleJson).join(', ')}]`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(value)) if (v !== undefined) parts.push(`${JSON.stringify(k)}: ${pythonStyleJson(v)}`);
  return `{${parts.join(', ')}}`;
}
