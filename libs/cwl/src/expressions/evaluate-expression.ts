import { CwlExpressionError } from '../errors/cwl-errors';
import type { Requirement } from '../model/cwl.types';
import { evaluateParameterReference, isParameterReference } from './parameter-reference';
import { evaluateJavaScript } from './quickjs-engine';
import { scanExpressions } from './scan-expressions';
import { isExactNumber, pythonStyleJson } from '../util/exact-number';

/** Default time limit of one JavaScript expression (milliseconds). */
export const DEFAULT_EXPRESSION_TIMEOUT_MS = 1000;

/** What expressions may use: JavaScript (InlineJavascriptRequirement), its library, a time limit. */
export interface ExpressionSettings {
  /** True when InlineJavascriptRequirement is in effect. */
  javascript: boolean;
  /** InlineJavascriptRequirement.expressionLib, loaded before each expression. */
  expressionLib: readonly string[];
  /** Time limit of one JavaScript evaluation in ms (default {@link DEFAULT_EXPRESSION_TIMEOUT_MS}). */
  timeoutMs: number;
}

/** The variables an expression sees. */
export interface ExpressionScope {
  inputs: Record<string, unknown>;
  self?: unknown;
  runtime?: Record<string, unknown>;
}

/** Builds {@link ExpressionSettings} from a process's effective requirements. */
export function expressionSettings(requirements: readonly Requirement[], timeoutMs = DEFAULT_EXPRESSION_TIMEOUT_MS): ExpressionSettings {
  const ijr = requirements.find((r) => r.class === 'InlineJavascriptRequirement');
  const lib = ijr && Array.isArray(ijr.expressionLib) ? ijr.expressionLib.map(String) : [];
  return { javascript: ijr !== undefined, expressionLib: lib, timeoutMs };
}

/**
 * Evaluates a CWL string that may contain expressions. A string that is exactly
 * one expression (surrounding whitespace ignored unless `stripWhitespace: false`,
 * as for InitialWorkDir `entry`) yields the expression's value
 * unchanged (any JSON type); otherwise results are interpolated into the text
 * (non-strings as JSON with Python's `, `/`: ` separators, as cwltool does). Parameter references never enter the JavaScript sandbox.
 *
 * @throws CwlExpressionError on evaluation failure, or JavaScript without InlineJavascriptRequirement
 */
export async function evaluateExpression(text: string, scope: ExpressionScope, settings: ExpressionSettings, options: { stripWhitespace?: boolean } = {}): Promise<unknown> {
  if (!text.includes('$(') && !text.includes('${')) return text;
  const segments = scanExpressions(text);
  const strip = options.stripWhitespace ?? true;
  const nonBlank = segments.filter((s) => s.kind !== 'text' || (strip && s.text.trim() !== '') || (!strip && s.text !== ''));
  if (nonBlank.length === 1 && nonBlank[0].kind !== 'text') return evaluateSegment(nonBlank[0], scope, settings);
  let out = '';
  for (const segment of segments) {
    if (segment.kind === 'text') out += segment.text;
    else {
      const value = await evaluateSegment(segment, scope, settings);
      out += typeof value === 'string' ? value : isExactNumber(value) ? value.$bigint : pythonStyleJson(value);
    }
  }
  return out;
}

async function evaluateSegment(
  segment: { kind: 'paren' | 'brace'; code: string; raw: string },
  scope: ExpressionScope,
  settings: ExpressionSettings,
): Promise<unknown> {
  const roots = { inputs: scope.inputs, self: scope.self ?? null, runtime: scope.runtime ?? {} };
  if (segment.kind === 'paren' && segment.code.trim() === 'null') return null;
  if (segment.kind === 'paren' && isParameterReference(segment.code)) {
    return evaluateParameterReference(segment.code, segment.raw, roots);
  }
  if (!settings.javascript) {
    throw new CwlExpressionError(segment.raw, 'JavaScript expressions need InlineJavascriptRequirement');
  }
  const body = segment.kind === 'paren' ? `(${segment.code})` : `(function(){${segment.code}})()`;
  return evaluateJavaScript(body, segment.raw, roots, settings.expressionLib, settings.timeoutMs);
}
