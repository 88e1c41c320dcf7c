import { CwlExpressionError } from '../errors/cwl-errors';
import { isRecord } from '../util/json';

const SEGMENT = String.raw`(?:\.[A-Za-z_$][\w$]*|\['(?:[^'\\]|\\.)*'\]|\["(?:[^"\\]|\\.)*"\]|\[\d+\])`;
const REFERENCE = new RegExp(String.raw`^\s*(inputs|self|runtime)(${SEGMENT}*)\s*$`);
const SEGMENTS = new RegExp(SEGMENT, 'g');

/** True when the inside of `$( ... )` is a plain parameter reference (evaluated without JavaScript). */
export function isParameterReference(code: string): boolean {
  return REFERENCE.test(code);
}

/**
 * Evaluates a parameter reference (`inputs.x.path`, `self[0]`, `inputs['a b']`,
 * `runtime.outdir`) natively. `.length` of an array is its length.
 *
 * @throws CwlExpressionError on a property of null, a missing key, or `.length` of a non-array
 */
export function evaluateParameterReference(code: string, raw: string, roots: Record<string, unknown>): unknown {
  const match = REFERENCE.exec(code);
  if (!match) throw new CwlExpressionError(raw, 'not a parameter reference');
  let current: unknown = roots[match[1]];
  let path = match[1];
  for (const seg of match[2].match(SEGMENTS) ?? []) {
    const key = segmentKey(seg);
    if (current === null || current === undefined) throw new CwlExpressionError(raw, `cannot read '${key}' of null (${path})`);
    if (Array.isArray(current)) {
      if (key === 'length') current = current.length;
      else if (/^\d+$/.test(key)) current = current[Number(key)] ?? null;
      else throw new CwlExpressionError(raw, `${path} is an array; it has no property '${key}'`);
    } else if (isRecord(current)) {
      if (!(key in current)) throw new CwlExpressionError(raw, `${path} has no property '${key}'`);
      current = current[key];
    } else {
      throw new CwlExpressionError(raw, `${path} is a ${typeof current}; it has no property '${key}'`);
    }
    path += seg;
  }
  return current === undefined ? null : current;
}

function segmentKey(seg: string): string {
  if (seg.startsWith('.')) return seg.slice(1);
  const inner = seg.slice(1, -1);
  if (/^\d+$/.test(inner)) return inner;
  return inner.slice(1, -1).replace(/\\(.)/g, '$1');
}
