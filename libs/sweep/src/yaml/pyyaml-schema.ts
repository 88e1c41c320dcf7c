/**
 * A js-yaml schema that resolves plain scalars as PyYAML (YAML 1.1) does, because the
 * original SABER read parameterization files with PyYAML: `yes`/`off` are booleans,
 * `1e3` is a string (PyYAML floats need a dot), `017` is octal, `1:20` is 80, and
 * floats stay floats ({@link PyFloat}). Timestamps stay strings.
 */
import { FAILSAFE_SCHEMA, Type, load, YAMLException } from 'js-yaml';
import { SweepSyntaxError } from '../errors/sweep-errors';
import { PyFloat } from './python-values';

const NULL = /^(?:~|null|Null|NULL|)$/;
const BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const FLOAT =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/** Base-60 digits `a:b:c` as PyYAML reads them. */
function sexagesimal(body: string, parse: (s: string) => number): number {
  return body.split(':').reduce((acc, part) => acc * 60 + parse(part), 0);
}

function constructInt(data: string): number {
  let s = data.replace(/_/g, '');
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s.startsWith('0b')) return sign * parseInt(s.slice(2), 2);
  if (s.startsWith('0x')) return sign * parseInt(s.slice(2), 16);
  if (s.startsWith('0')) return sign * parseInt(s, 8);
  if (s.includes(':')) return sign * sexagesimal(s, (p) => parseInt(p, 10));
  return sign * parseInt(s, 10);
}

function constructFloat(data: string): PyFloat {
  let s = data.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '.inf') return new PyFloat(sign * Infinity);
  if (s === '.nan') return new PyFloat(NaN);
  if (s.includes(':')) return new PyFloat(sign * sexagesimal(s, (p) => parseFloat(p)));
  return new PyFloat(sign * parseFloat(s));
}

const scalar = (tag: string, pattern: RegExp, construct: (data: string) => unknown) =>
  new Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && pattern.test(data),
    construct: (data: string) => construct(data),
  });

/** PyYAML's implicit resolvers for null, bool, int and float on top of the failsafe schema. */
export const PYYAML_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', NULL, () => null),
    scalar('bool', BOOL, (d) => /^(?:yes|true|on)$/i.test(d)),
    scalar('int', INT, constructInt),
    scalar('float', FLOAT, constructFloat),
  ],
});

/**
 * Parses YAML text as PyYAML would type it. Throws {@link SweepSyntaxError} with the
 * 1-based line and column of the first problem, prefixed by `source`.
 */
export function loadPyYaml(text: string, source: string): unknown {
  try {
    return load(text, { schema: PYYAML_SCHEMA, filename: source });
  } catch (e) {
    if (e instanceof YAMLException) {
      const mark = (e as YAMLException & { mark?: { line: number; column: number } }).mark;
      throw new SweepSyntaxError(source, (mark?.line ?? 0) + 1, (mark?.column ?? 0) + 1, e.reason);
    }
    throw e;
  }
}
