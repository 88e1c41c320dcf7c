import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CwlNotFoundError, CwlValidationError } from '../errors/cwl-errors';
import type { CommandLineTool, Workflow } from '../model/cwl.types';
import { CONFORMANCE_TESTS, tempDir } from '../test-support/paths';
import { loadDocument } from './load-document';

async function validationError(text: string, name = 'wf.cwl'): Promise<{ error: CwlValidationError; file: string }> {
  const dir = tempDir();
  const file = join(dir, name);
  writeFileSync(file, text);
  const error = await loadDocument({ path: file }).then(
    () => assert.fail('expected CwlValidationError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof CwlValidationError, String(error));
  return { error, file };
}

describe('loadDocument', () => {
  it('loads a workflow with run: paths into a self-contained process', async () => {
    const loaded = await loadDocument({ path: join(CONFORMANCE_TESTS, 'revsort.cwl') });
    const wf = loaded.process as Workflow;
    assert.equal(wf.class, 'Workflow');
    assert.equal(loaded.name, 'revsort');
    assert.deepEqual(wf.steps.map((s) => [s.id, s.run.class, s.in.map((i) => i.source)]), [
      ['rev', 'CommandLineTool', [['input']]],
      ['sorted', 'CommandLineTool', [['rev/output'], ['reverse_sort']]],
    ]);
    assert.deepEqual(wf.outputs[0].outputSource, ['sorted/output']);
    assert.match(loaded.contentHash, /^[0-9a-f]{64}$/);
    assert.equal(JSON.stringify(JSON.parse(JSON.stringify(wf))), JSON.stringify(wf));
    const again = await loadDocument({ path: join(CONFORMANCE_TESTS, 'revsort.cwl') });
    assert.equal(again.contentHash, loaded.contentHash);
  });

  it('selects #main from a $graph and resolves #fragment runs', async () => {
    const loaded = await loadDocument({ path: `${join(CONFORMANCE_TESTS, 'revsort-packed.cwl')}#main` });
    const wf = loaded.process as Workflow;
    assert.equal(loaded.name, 'main');
    assert.ok(loaded.uri.endsWith('revsort-packed.cwl#main'));
    assert.deepEqual(wf.steps.map((s) => (s.run as CommandLineTool).baseCommand), [['rev'], ['sort']]);
    assert.deepEqual(wf.steps[1].in.map((i) => i.source), [['rev/output'], ['reverse_sort']]);
  });

  it('resolves $import in hints and expands type shorthands', async () => {
    const hinted = await loadDocument({ path: join(CONFORMANCE_TESTS, 'imported-hint.cwl') });
    assert.deepEqual(hinted.process.hints, [{ class: 'EnvVarRequirement', envDef: [{ envName: 'TEST_ENV', envValue: 'hello test env' }] }]);
    const inline = await loadDocument({
      inline: 'cwlVersion: v1.0\nclass: CommandLineTool\nbaseCommand: echo\ninputs:\n  a: File[]\n  b: int?\n  c: string[]?\noutputs: []\n',
    });
    assert.deepEqual(inline.process.inputs.map((i) => i.type), [
      { type: 'array', items: 'File' },
      ['null', 'int'],
      ['null', { type: 'array', items: 'string' }],
    ]);
  });

  it('accepts saber hints and namespaced saber: keys', async () => {
    const loaded = await loadDocument({
      inline: {
        cwlVersion: 'v1.2', class: 'CommandLineTool', baseCommand: 'true', inputs: {}, outputs: {},
        hints: { saber: { local: true, queue: 'gpu', file_path: '/data', score_format: 'F1: {score}', use_cache: false } },
        'saber:queue': 'cpu',
      },
    });
    assert.deepEqual(loaded.process.hints, [{ class: 'saber', local: true, queue: 'gpu', file_path: '/data', score_format: 'F1: {score}', use_cache: false }]);
    assert.equal(loaded.process['saber:queue'], 'cpu');
  });

  it('reports a dangling source with file:line:column', async () => {
    const { error, file } = await validationError(
      'cwlVersion: v1.2\nclass: Workflow\ninputs:\n  input: string\noutputs: []\nsteps:\n  a:\n    run: {class: ExpressionTool, inputs: {i: Any}, outputs: {}, expression: "${return {};}"}\n    in:\n      i: {source: inptu}\n    out: []\n',
    );
    assert.deepEqual(error.issues, [{ file, line: 10, column: 19, message: "step 'a' input 'i': 'inptu' names no workflow input or step output; did you mean 'input'?" }]);
    assert.equal(error.message, `invalid CWL document:\n${file}:10:19: step 'a' input 'i': 'inptu' names no workflow input or step output; did you mean 'input'?`);
  });

  it('expands the stdin shortcut into a File input and the tool stdin', async () => {
    const loaded = await loadDocument({ inline: 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: cat\ninputs:\n  file1: stdin\n  "odd-name": int?\noutputs: []\n' });
    const tool = loaded.process as CommandLineTool;
    assert.deepEqual(tool.inputs.map((i) => [i.id, i.type]), [['file1', 'File'], ['odd-name', ['null', 'int']]]);
    assert.equal(tool.stdin, '$(inputs.file1.path)');
    const odd = await loadDocument({ inline: 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: cat\ninputs:\n  "in-1": stdin\noutputs: []\n' });
    assert.equal((odd.process as CommandLineTool).stdin, '$(inputs["in-1"].path)');
    const both = await validationError('cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: cat\nstdin: $(inputs.f.path)\ninputs:\n  f: stdin\noutputs: []\n');
    assert.deepEqual(both.error.issues.map((i) => [i.line, i.column, i.message]), [
      [4, 1, "input 'f' has type 'stdin'; a tool reads standard input from one source only (drop the explicit 'stdin' or all but one such input)"],
    ]);
  });

  it('resolves File and Directory locations in an InitialWorkDir listing against the document', async () => {
    const dir = tempDir();
    const file = join(dir, 'tools', 'iwd.cwl');
    mkdirSync(join(dir, 'tools'));
    writeFileSync(file, 'cwlVersion: v1.2\nclass: CommandLineTool\nbaseCommand: "true"\nrequirements:\n  InitialWorkDirRequirement:\n    listing:\n      - {class: File, location: ../data/list.txt}\n      - [{class: Directory, path: ../testdir}]\n      - $(inputs.x)\ninputs: []\noutputs: []\n');
    const loaded = await loadDocument({ path: file });
    assert.deepEqual(loaded.process.requirements[0].listing, [
      { class: 'File', location: pathToFileURL(join(dir, 'data', 'list.txt')).href },
      [{ class: 'Directory', location: pathToFileURL(join(dir, 'testdir')).href }],
      '$(inputs.x)',
    ]);
  });

  it('reports unknown fields with a suggestion, unknown classes and missing run', async () => {
    const unknown = await validationError('cwlVersion: v1.2\nclass: CommandLineTool\nbaseComand: echo\ninputs: []\noutputs: []\n');
    assert.deepEqual(unknown.error.issues, [
      { file: unknown.file, line: 3, column: 1, message: "unknown field 'baseComand' in CommandLineTool; did you mean 'baseCommand'?" },
    ]);
    const cls = await validationError('cwlVersion: v1.2\nclass: Workflo\ninputs: []\noutputs: []\n');
    assert.deepEqual(cls.error.issues.map((i) => [i.line, i.column, i.message]), [
      [2, 8, "unknown class 'Workflo' (expected CommandLineTool, ExpressionTool or Workflow); did you mean 'Workflow'?"],
    ]);
    const norun = await validationError('cwlVersion: v1.2\nclass: Workflow\ninputs: []\noutputs: []\nsteps:\n  - id: s\n    in: []\n    out: []\n');
    assert.deepEqual(norun.error.issues.map((i) => [i.line, i.column, i.message]), [[6, 5, "step 's' has no 'run'"]]);
  });

  it('reports cycles between steps', async () => {
    const tool = '{class: ExpressionTool, inputs: {i: Any}, outputs: {o: Any}, expression: "${return {o: 1};}"}';
    const { error } = await validationError(
      `cwlVersion: v1.2\nclass: Workflow\ninputs: []\noutputs: []\nsteps:\n  a:\n    run: ${tool}\n    in: {i: b/o}\n    out: [o]\n  b:\n    run: ${tool}\n    in: {i: a/o}\n    out: [o]\n`,
    );
    assert.deepEqual(error.issues.map((i) => [i.line, i.message]), [[7, 'steps form a cycle: a -> b -> a']]);
  });

  it('reports YAML syntax errors at the js-yaml mark', async () => {
    const { error, file } = await validationError('cwlVersion: v1.2\nclass: [Workflow\ninputs: []\n');
    assert.equal(error.issues.length, 1);
    assert.equal(error.issues[0].file, file);
    assert.equal(error.issues[0].line, 3);
    assert.match(error.issues[0].message, /^YAML syntax error: /);
  });

  it('throws CwlNotFoundError naming a missing workflow or run target', async () => {
    const missing = join(tempDir(), 'nope.cwl');
    await assert.rejects(loadDocument({ path: missing }), (e: unknown) => e instanceof CwlNotFoundError && e.path === missing && e.message === `CWL document not found: ${missing}`);
    const dir = tempDir();
    writeFileSync(join(dir, 'wf.cwl'), 'cwlVersion: v1.2\nclass: Workflow\ninputs: []\noutputs: []\nsteps:\n  a: {run: gone.cwl, in: [], out: []}\n');
    await assert.rejects(loadDocument({ path: join(dir, 'wf.cwl') }), (e: unknown) => e instanceof CwlNotFoundError && e.path === join(dir, 'gone.cwl'));
  });
});
