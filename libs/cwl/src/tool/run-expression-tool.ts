import { CwlExecutionError } from '../errors/cwl-errors';
import { evaluateExpression, expressionSettings } from '../expressions/evaluate-expression';
import { resolveInputs } from '../job/resolve-inputs';
import { typeToString } from '../loader/normalize-type';
import { describeValue, matchesType } from '../job/type-match';
import type { ExpressionTool } from '../model/cwl.types';
import { isRecord } from '../util/json';

/**
 * Runs an ExpressionTool: evaluates its `expression` with the (defaulted,
 * type-checked) inputs and returns the declared outputs from the result object.
 *
 * @throws CwlInputError, CwlExpressionError, or CwlExecutionError when the
 *   result is not an object or an output does not match its type
 */
export async function runExpressionTool(tool: ExpressionTool, inputs: Record<string, unknown>, options: { expressionTimeoutMs?: number } = {}): Promise<Record<string, unknown>> {
  const settings = expressionSettings([...tool.requirements, ...tool.hints], options.expressionTimeoutMs);
  const result = await evaluateExpression(tool.expression, { inputs: resolveInputs(tool, inputs), runtime: {} }, settings);
  if (!isRecord(result)) throw new CwlExecutionError(`ExpressionTool ${tool.id || ''} returned ${describeValue(result)}, expected an object`);
  const out: Record<string, unknown> = {};
  for (const param of tool.outputs) {
    const value = result[param.id] ?? null;
    if (!matchesType(value, param.type) && !(value === null && param.type === 'Any')) throw new CwlExecutionError(`output '${param.id}' (expected ${typeToString(param.type)}): got ${describeValue(value)}`);
    out[param.id] = value;
  }
  return out;
}
