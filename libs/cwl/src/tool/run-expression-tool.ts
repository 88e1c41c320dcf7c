import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, expressionSettings } from '../expressions/evaluate-expression';
import { resolveInputs } from '../job/resolve-inputs';
import { typeToString } from '../loader/normalize-type';
import { describeValue, matchesType } from '../job/type-match';
import type { ExpressionTool } from '../model/cwl.types';
import { isRecord } from '../util/json';
import { defaultListing } from './load-listing';
import { stageInputs } from './stage-inputs';

/**
 * Time limit of an ExpressionTool's `expression` in ms. It is the tool's whole
 * work, so it gets more than the 1 s of a parameter expression (CWL: ToolTimeLimit
 * does not apply to ExpressionTools).
 */
export const DEFAULT_EXPRESSION_TOOL_TIMEOUT_MS = 10_000;

/**
 * Runs an ExpressionTool: evaluates its `expression` with the (defaulted,
 * type-checked) inputs and returns the declared outputs from the result object.
 *
 * @throws CwlInputError, CwlExpressionError, or CwlExecutionError when the
 *   result is not an object or an output does not match its type
 */
export async function runExpressionTool(tool: ExpressionTool, inputs: Record<string, unknown>, options: { expressionTimeoutMs?: number; bodyTimeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const settings = expressionSettings([...tool.requirements, ...tool.hints], options.expressionTimeoutMs);
  const bodySettings = { ...settings, timeoutMs: options.bodyTimeoutMs ?? Math.max(settings.timeoutMs, DEFAULT_EXPRESSION_TOOL_TIMEOUT_MS) };
  const resolved = resolveInputs(tool, inputs);
  const staged = await stageInputs(tool.inputs, resolved, {
    loadListing: defaultListing(tool),
    evaluate: (text, self) => evaluateExpression(text, { inputs: resolved, self, runtime: {} }, settings),
  });
  const result = await evaluateExpression(tool.expression, { inputs: staged, runtime: {} }, bodySettings);
  if (!isRecord(result)) throw new CwlExecutionError(`ExpressionTool ${tool.id || ''} returned ${describeValue(result)}, expected an object`);
  const out: Record<string, unknown> = {};
  for (const param of tool.outputs) {
    const value = result[param.id] ?? null;
    if (!matchesType(value, param.type) && !(value === null && param.type === 'Any')) throw new CwlExecutionError(`output '${param.id}' (expected ${typeToString(param.type)}): got ${describeValue(value)}`);
    out[param.id] = value;
  }
  return out;
}
