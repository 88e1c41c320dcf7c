import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { CwlNotFoundError, CwlValidationError } from '../errors/cwl-errors';
import { resolveFileLocations } from '../loader/normalize-params';
import { CWL_YAML_SCHEMA } from '../util/exact-number';
import { isRecord } from '../util/json';
import { pathToUri } from '../util/uri';

/**
 * Reads a job (input object) file in YAML or JSON. File/Directory `path` and
 * `location` values become absolute `file://` URIs relative to the job file.
 *
 * @throws CwlNotFoundError when the file does not exist
 * @throws CwlValidationError when it is not a YAML/JSON mapping
 */
export async function loadJob(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CwlNotFoundError(path, { cause: err });
  }
  let value: unknown;
  try {
    value = yaml.load(text, { filename: path, schema: CWL_YAML_SCHEMA });
  } catch (err) {
    const mark = (err as { mark?: { line: number; column: number } }).mark;
    throw new CwlValidationError([{ file: path, line: (mark?.line ?? -1) + 1, column: (mark?.column ?? -1) + 1, message: `YAML syntax error: ${(err as Error).message.split('\n')[0]}` }]);
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw new CwlValidationError([{ file: path, line: 1, column: 1, message: 'a job file must be a mapping of input ids to values' }]);
  return resolveFileLocations(value, pathToUri(path)) as Record<string, unknown>;
}
