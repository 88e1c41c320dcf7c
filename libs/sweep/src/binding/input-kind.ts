import type { ParameterValue } from '../yaml/python-values';

/** How a swept value is given to a workflow input of a given CWL type. */
export type InputKind = 'string' | 'int' | 'float' | 'boolean' | 'file' | 'directory' | 'any';

const SCALARS: Record<string, InputKind> = {
  string: 'string', int: 'int', long: 'int', float: 'float', double: 'float', boolean: 'boolean', File: 'file', Directory: 'directory', Any: 'any',
};

/**
 * The kind of a (normalized) CWL input type, or a reason why one swept value cannot
 * fill it. `null` is dropped from unions; a union of several other types takes the
 * value as it is.
 */
export function inputKind(type: unknown): InputKind | { unsupported: string } {
  if (typeof type === 'string') {
    const t = type.replace(/\?$/, '');
    if (t.endsWith('[]')) return { unsupported: 'an array' };
    return SCALARS[t] ?? { unsupported: `of type ${t}` };
  }
  if (Array.isArray(type)) {
    const rest = type.filter((t) => t !== 'null');
    if (rest.length === 1) return inputKind(rest[0]);
    return rest.length === 0 ? { unsupported: 'of type null' } : 'any';
  }
  if (type && typeof type === 'object') {
    const t = (type as { type?: unknown }).type;
    if (t === 'enum') return 'string';
    return { unsupported: t === 'array' ? 'an array' : t === 'record' ? 'a record' : `of type ${JSON.stringify(type)}` };
  }
  return 'any';
}

const INT_TEXT = /^[-+]?\d+$/;
const FLOAT_TEXT = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The JSON value for an input of `kind`: `string` inputs get Python's `str()` (what
 * the original passed), numbers stay numbers, numeric strings become numbers, File
 * and Directory inputs get `{class, location}` (a URI) or `{class, path}`. Undefined
 * when the value does not fit (a float for an int input, text for a boolean).
 */
export function coerceValue(v: ParameterValue, kind: InputKind): unknown {
  switch (kind) {
    case 'string':
      return v.text;
    case 'int':
      if (v.kind === 'int') return v.value;
      return v.kind === 'str' && INT_TEXT.test(v.text) ? parseInt(v.text, 10) : undefined;
    case 'float':
      if (v.kind === 'int' || v.kind === 'float') return v.value;
      return v.kind === 'str' && FLOAT_TEXT.test(v.text) ? Number(v.text) : undefined;
    case 'boolean':
      return v.kind === 'bool' ? v.value : undefined;
    case 'file':
    case 'directory': {
      if (v.kind !== 'str') return undefined;
      const cls = kind === 'file' ? 'File' : 'Directory';
      return /^[A-Za-z][A-Za-z0-9+.-]*:/.test(v.text) ? { class: cls, location: v.text } : { class: cls, path: v.text };
    }
    case 'any':
      return v.value;
  }
}
