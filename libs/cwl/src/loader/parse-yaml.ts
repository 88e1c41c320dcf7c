import * as yaml from 'js-yaml';
import { CwlValidationError, type SourcePosition } from '../errors/cwl-errors';
import { CWL_YAML_SCHEMA } from '../util/exact-number';
import type { SourcePositions } from './source-positions';

interface Frame {
  start: number;
  children: { result: unknown; start: number }[];
}

/**
 * Parses YAML (or JSON, a YAML subset) and records the position of every mapping
 * and sequence, and of their keys and items, in `positions`.
 *
 * @param text document text
 * @param file name used in positions and error messages
 * @throws CwlValidationError with the js-yaml mark on a syntax error
 */
export function parseYaml(text: string, file: string, positions: SourcePositions): unknown {
  const lineStarts = computeLineStarts(text);
  const at = (offset: number): SourcePosition => positionOf(text, lineStarts, file, offset);
  const stack: Frame[] = [];
  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') {
      stack.push({ start: state.position, children: [] });
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    const result = state.result;
    stack[stack.length - 1]?.children.push({ result, start: frame.start });
    if (result === null || typeof result !== 'object') return;
    const self = at(frame.start);
    if (Array.isArray(result)) {
      positions.set(result, { self, items: frame.children.map((c) => at(c.start)) });
      return;
    }
    const keys: Record<string, SourcePosition> = {};
    const values: Record<string, SourcePosition> = {};
    for (let i = 0; i + 1 < frame.children.length; i += 2) {
      const key = String(frame.children[i].result);
      keys[key] = at(frame.children[i].start);
      values[key] = at(frame.children[i + 1].start);
    }
    positions.set(result, { self, keys, values });
  };
  try {
    return yaml.load(text, { filename: file, listener, schema: CWL_YAML_SCHEMA } as yaml.LoadOptions);
  } catch (err) {
    if (err instanceof yaml.YAMLException) {
      const mark = err.mark as { line?: number; column?: number; position?: number } | undefined;
      throw new CwlValidationError([
        { file, line: (mark?.line ?? -1) + 1, column: (mark?.column ?? -1) + 1, message: `YAML syntax error: ${explainReason(err.reason, text, mark?.position)}` },
      ]);
    }
    throw err;
  }
}

/** Adds what to do to js-yaml's terse reasons (the key of a duplicate, the likely cause). */
function explainReason(reason: string, text: string, offset: number | undefined): string {
  if (reason === 'duplicated mapping key') {
    const key = /^\s*([^:\n]+?)\s*:/.exec(text.slice(offset ?? 0))?.[1];
    return key ? `duplicated mapping key '${key}' (each key may appear once per mapping)` : reason;
  }
  if (reason.startsWith('tab characters')) return `${reason}; indent with spaces`;
  if (reason.includes('flow collection')) return `${reason}; is a '[' or '{' above left unclosed?`;
  return reason;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Skips blanks, newlines and comments from `offset` (js-yaml reports a node before its leading space). */
function positionOf(text: string, lineStarts: number[], file: string, offset: number): SourcePosition {
  let i = offset;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',') i++;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) while (i < text.length && text[i] !== '\n') i++;
    else break;
  }
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid] <= i) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: i - lineStarts[lo] + 1 };
}
