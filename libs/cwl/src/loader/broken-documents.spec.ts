import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { CwlNotFoundError, CwlValidationError, type ValidationIssue } from '../errors/cwl-errors';
import { loadDocument } from './load-document';

/** Repository root, from this spec's compiled location (libs/cwl/dist/loader). */
const REPO_ROOT = resolve(__dirname, '../../../..');
const FIXTURES = resolve(__dirname, '../../test-fixtures/broken');

/**
 * One broken document per row: path relative to the repository, then the expected
 * line, column and message (exact text, or a pattern where it holds a machine path)
 * of the first issue reported.
 */
const CASES: readonly [path: string, line: number, column: number, message: string | RegExp][] = [
  ['libs/cwl/test-fixtures/broken/01-typo-field.cwl', 3, 1, 'unknown field \'baseComand\' in CommandLineTool; did you mean \'baseCommand\'?'],
  ['libs/cwl/test-fixtures/broken/02-typo-step-field.cwl', 10, 5, 'unknown field \'outs\' in step \'copy\'; did you mean \'out\'?'],
  ['libs/cwl/test-fixtures/broken/03-dangling-source.cwl', 10, 10, 'step \'copy\' input \'i\': \'raeds\' names no workflow input or step output; did you mean \'reads\'?'],
  ['libs/cwl/test-fixtures/broken/04-dangling-output-source.cwl', 8, 19, 'workflow output \'result\': \'copy/out\' names no workflow input or step output; did you mean \'copy/o\'?'],
  ['libs/cwl/test-fixtures/broken/05-bad-input-type.cwl', 6, 11, 'input \'message\': unknown type \'strng\'; did you mean \'string\'?'],
  ['libs/cwl/test-fixtures/broken/06-bad-array-item-type.cwl', 5, 10, 'input \'files\': unknown type \'Flie\'; did you mean \'File\'?'],
  ['libs/cwl/test-fixtures/broken/07-incompatible-source-sink.cwl', 10, 19, 'step \'copy\' input \'i\' expects File, but source \'count\' is int'],
  ['libs/cwl/test-fixtures/broken/08-scatter-non-array.cwl', 12, 13, 'step \'copy\' input \'i\' is scattered, so it needs File[] (a list of File), but source \'f\' is File'],
  ['libs/cwl/test-fixtures/broken/09-linkmerge-type-mismatch.cwl', 14, 17, 'step \'copy\' input \'i\' expects File, but its sources [a, b] merged with merge_flattened give File[]'],
  ['libs/cwl/test-fixtures/broken/10-cycle.cwl', 7, 5, 'steps form a cycle: first -> second -> first'],
  ['libs/cwl/test-fixtures/broken/11-yaml-tab.cwl', 5, 1, 'YAML syntax error: tab characters must not be used in indentation; indent with spaces'],
  ['libs/cwl/test-fixtures/broken/12-yaml-unclosed-bracket.cwl', 4, 1, 'YAML syntax error: missed comma between flow collection entries; is a \'[\' or \'{\' above left unclosed?'],
  ['libs/cwl/test-fixtures/broken/13-yaml-duplicate-key.cwl', 6, 1, 'YAML syntax error: duplicated mapping key \'baseCommand\' (each key may appear once per mapping)'],
  ['libs/cwl/test-fixtures/broken/14-missing-class.cwl', 1, 1, 'missing \'class\' (expected CommandLineTool, ExpressionTool or Workflow)'],
  ['libs/cwl/test-fixtures/broken/15-unknown-class.cwl', 2, 8, 'unknown class \'CommandLineTol\' (expected CommandLineTool, ExpressionTool or Workflow); did you mean \'CommandLineTool\'?'],
  ['libs/cwl/test-fixtures/broken/16-missing-inputs.cwl', 2, 1, 'CommandLineTool is missing required field \'inputs\' (write \'inputs: []\' when there are none)'],
  ['libs/cwl/test-fixtures/broken/17-missing-outputs.cwl', 2, 1, 'ExpressionTool is missing required field \'outputs\' (write \'outputs: []\' when there are none)'],
  ['libs/cwl/test-fixtures/broken/18-missing-steps.cwl', 2, 1, 'Workflow is missing required field \'steps\' (write \'steps: []\' when there are none)'],
  ['libs/cwl/test-fixtures/broken/19-bad-run-path.cwl', 7, 10, /^'run: tools\/no-such-tool\.cwl': no such file \S*\/test-fixtures\/broken\/tools\/no-such-tool\.cwl$/],
  ['libs/cwl/test-fixtures/broken/20-invalid-scatter-target.cwl', 11, 14, 'step \'copy\' scatters over \'input\', which is not one of its inputs'],
  ['libs/cwl/test-fixtures/broken/21-when-in-v1.0.cwl', 9, 5, 'step \'copy\': \'when\' needs cwlVersion v1.2 (document is v1.0)'],
  ['libs/cwl/test-fixtures/broken/22-unknown-requirement.cwl', 4, 12, 'unknown requirement \'InlineJavascriptRequirment\'; did you mean \'InlineJavascriptRequirement\'?'],
  ['libs/cwl/test-fixtures/broken/23-bad-import.cwl', 5, 14, /^'\$import: no-such-requirements\.yml': no such file \S*\/test-fixtures\/broken\/no-such-requirements\.yml$/],
  ['libs/cwl/test-fixtures/broken/24-wrong-cwlversion.cwl', 1, 13, 'unsupported cwlVersion \'v1.3\' (expected v1.0, v1.1 or v1.2)'],
  ['libs/cwl/test-fixtures/broken/25-missing-cwlversion.cwl', 1, 1, 'missing \'cwlVersion\''],
  ['libs/cwl/test-fixtures/broken/26-step-without-run.cwl', 6, 5, 'step \'align\' has no \'run\''],
  ['libs/cwl/test-fixtures/broken/27-unknown-step-output.cwl', 10, 11, 'step \'copy\': its run declares no output \'out\'; it has \'o\''],
  ['libs/cwl/test-fixtures/broken/28-bad-scatter-method.cwl', 12, 20, 'step \'copy\': invalid scatterMethod \'dot_product\'; did you mean \'dotproduct\'?'],
  ['libs/cwl/test-fixtures/broken/29-bad-linkmerge-value.cwl', 15, 20, 'step \'copy\' input \'i\': invalid linkMerge \'merge_flat\'; expected one of merge_nested, merge_flattened'],
  ['libs/cwl/test-fixtures/broken/30-graph-missing-main.cwl', 2, 1, 'no process \'#main\' in $graph (has #tool, #mian); did you mean \'#mian\'?'],
];

/** The first issue of the error a broken document raises (a missing `run`/`$import` target carries one too). */
async function firstIssue(path: string): Promise<ValidationIssue> {
  const error = await loadDocument({ path }).then(
    () => assert.fail(`expected ${path} to be rejected`),
    (e: unknown) => e,
  );
  if (error instanceof CwlValidationError) return error.issues[0];
  assert.ok(error instanceof CwlNotFoundError && error.issue, `expected a positioned error, got ${String(error)}`);
  assert.ok(error.message.startsWith(`${error.issue.file}:${error.issue.line}:${error.issue.column}: `), error.message);
  return error.issue;
}

describe('loadDocument on broken documents', () => {
  it('has one table row per fixture file', () => {
    const listed = CASES.map(([path]) => resolve(REPO_ROOT, path)).sort();
    assert.deepEqual(listed, readdirSync(FIXTURES).map((f) => resolve(FIXTURES, f)).sort());
  });

  for (const [path, line, column, message] of CASES) {
    it(path.slice(path.lastIndexOf('/') + 1), async () => {
      const file = resolve(REPO_ROOT, path);
      const issue = await firstIssue(file);
      assert.equal(`${issue.file}:${issue.line}:${issue.column}`, `${file}:${line}:${column}`);
      if (typeof message === 'string') assert.equal(issue.message, message);
      else assert.match(issue.message, message);
    });
  }
});
