import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { loadDocument } from '../loader/load-document';
import type { CommandLineTool, ExpressionTool } from '../model/cwl.types';
import { tempDir } from '../test-support/paths';
import { runCommandLineTool } from './run-command-line-tool';
import { runExpressionTool } from './run-expression-tool';
import { parseMetrics } from './score-metrics';

async function tool(doc: Record<string, unknown>): Promise<CommandLineTool> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', ...doc } })).process as CommandLineTool;
}

describe('runCommandLineTool', () => {
  it('builds the command line, captures stdout and collects File outputs', async () => {
    const t = await tool({
      baseCommand: 'echo',
      arguments: [{ position: 2, valueFrom: 'end' }],
      inputs: { words: { type: 'string[]', inputBinding: { position: 1, prefix: '-n', itemSeparator: ',' } }, flag: { type: 'boolean', inputBinding: { prefix: '-e' } } },
      outputs: { out: 'stdout' },
      stdout: 'out.txt',
      hints: { DockerRequirement: { dockerPull: 'debian' } },
    });
    const dir = tempDir();
    const result = await runCommandLineTool(t, { words: ['a', 'b'], flag: false }, { outdir: join(dir, 'out'), tmpdir: join(dir, 'tmp') });
    assert.deepEqual(result.command, ['echo', '-n', 'a,b', 'end']);
    assert.equal(result.status, 'success');
    assert.equal(result.exitCode, 0);
    const path = join(dir, 'out', 'out.txt');
    assert.deepEqual(result.outputs, {
      out: {
        class: 'File', location: pathToFileURL(path).href, path, basename: 'out.txt', nameroot: 'out', nameext: '.txt', size: 7,
        checksum: `sha1$${createHash('sha1').update('a,b end').digest('hex')}`,
      },
    });
    assert.deepEqual(result.warnings, ['DockerRequirement ignored: the tool ran as a local process without a container']);
  });

  it('reports a non-zero exit with stderr captured, and parses the score hint', async () => {
    const t = await tool({
      baseCommand: ['sh', '-c', 'echo "F1: 0.5"; echo "F1: 0.75"; echo oops >&2; exit 3'],
      inputs: [], outputs: [],
      hints: { saber: { score_format: 'F1: {score}' } },
    });
    const dir = tempDir();
    const result = await runCommandLineTool(t, {}, { outdir: join(dir, 'o'), tmpdir: join(dir, 't') });
    assert.equal(result.status, 'permanentFail');
    assert.equal(result.exitCode, 3);
    assert.equal(readFileSync(result.stderrPath, 'utf8'), 'oops\n');
    assert.deepEqual(result.metrics, { score: 0.75 });
    assert.deepEqual(result.outputs, {});
  });

  it('supports ShellCommandRequirement, EnvVarRequirement, InitialWorkDir and glob + outputEval', async () => {
    const t = await tool({
      requirements: {
        ShellCommandRequirement: {}, EnvVarRequirement: { envDef: { GREETING: '$(inputs.who)' } },
        InitialWorkDirRequirement: { listing: [{ entryname: 'in.txt', entry: 'line1\nline2\n' }] },
      },
      arguments: [{ valueFrom: 'wc -l < in.txt > count.txt && echo $GREETING > hello.txt', shellQuote: false }],
      inputs: { who: 'string' },
      outputs: {
        count: { type: 'int', outputBinding: { glob: 'count.txt', loadContents: true, outputEval: '$(parseInt(self[0].contents))' } },
        hello: { type: 'File', outputBinding: { glob: '*.txt' } },
      },
    });
    t.requirements.push({ class: 'InlineJavascriptRequirement' });
    const dir = tempDir();
    const result = await runCommandLineTool(t, { who: 'world' }, { outdir: join(dir, 'o'), tmpdir: join(dir, 't') });
    assert.equal(result.status, 'success', readFileSync(result.stderrPath, 'utf8'));
    assert.equal(result.outputs.count, 2);
    assert.equal((result.outputs.hello as { basename: string }).basename, 'count.txt');
    assert.equal(readFileSync(join(dir, 'o', 'hello.txt'), 'utf8'), 'world\n');
  });

  it('runs an ExpressionTool', async () => {
    const { process } = await loadDocument({
      inline: {
        cwlVersion: 'v1.2', class: 'ExpressionTool', requirements: { InlineJavascriptRequirement: {} },
        inputs: { n: 'int' }, outputs: { sq: 'int' }, expression: '${ return {sq: inputs.n * inputs.n}; }',
      },
    });
    assert.deepEqual(await runExpressionTool(process as ExpressionTool, { n: 7 }), { sq: 49 });
  });
});

describe('parseMetrics', () => {
  it('takes the last score_format match and named metrics only when asked', () => {
    const text = 'F1: 0.1\nloss: 2.5\nF1: 0.9\nnoise';
    assert.deepEqual(parseMetrics(text, 'F1: {score}'), { score: 0.9 });
    assert.deepEqual(parseMetrics(text, 'F1: {score}', true), { F1: 0.9, loss: 2.5, score: 0.9 });
    assert.deepEqual(parseMetrics(text), {});
  });
});
