import { CwlInputError } from '../errors/cwl-errors';
import { typeToString } from '../loader/normalize-type';
import type { CwlProcess } from '../model/cwl.types';
import { cloneJson } from '../util/json';
import { withFileNames } from './file-names';
import { expandIri } from '../loader/expand-formats';
import { isRecord } from '../util/json';
import { describeValue, matchesType } from './type-match';

/** Key of requirements given in the input object (they override the process's own). */
export const JOB_REQUIREMENTS_KEY = 'cwl:requirements';

/**
 * Returns the process's input object: only declared inputs (plus `cwl:requirements`), defaults applied
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
    out[param.id] = withFileNames(expandFileFormats(value, process.$namespaces as Record<string, string> | undefined));
  }
  if (Array.isArray(inputs[JOB_REQUIREMENTS_KEY])) out[JOB_REQUIREMENTS_KEY] = inputs[JOB_REQUIREMENTS_KEY];
  return out;
}

/** Expands prefixed `format` IRIs of the Files in a job value with the document's `$namespaces`. */
function expandFileFormats(value: unknown, namespaces: Record<string, string> | undefined): unknown {
  if (!namespaces) return value;
  if (Array.isArray(value)) return value.map((v) => expandFileFormats(v, namespaces));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'format' && typeof v === 'string' && value.class === 'File' ? expandIri(v, namespaces) : expandFileFormats(v, namespaces);
  return out;
}
