import { CwlInputError } from '../errors/cwl-errors';
import { typeToString } from '../loader/normalize-type';
import type { CwlProcess } from '../model/cwl.types';
import { cloneJson } from '../util/json';
import { withFileNames } from './file-names';
import { describeValue, matchesType } from './type-match';

/**
 * Returns the process's input object: only declared inputs, defaults applied
 * where a value is missing or null, File names (`basename`, `nameroot`,
 * `nameext`) filled in. Does no I/O.
 *
 * @throws CwlInputError naming the input and its expected type when a required
 *   input is missing or a value does not match its declared type
 */
export function resolveInputs(process: CwlProcess, inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const param of process.inputs) {
    let value = inputs[param.id];
    if ((value === undefined || value === null) && param.default !== undefined) value = cloneJson(param.default);
    if (value === undefined) value = null;
    if (!matchesType(value, param.type)) {
      const detail = value === null ? 'missing required input' : `got ${describeValue(value)}`;
      throw new CwlInputError(param.id, typeToString(param.type), detail);
    }
    out[param.id] = withFileNames(value);
  }
  return out;
}
