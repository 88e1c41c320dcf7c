import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CwlExecutionError } from '../errors/cwl-errors';
import { loadDocument } from '../loader/load-document';
import type { CommandLineTool } from '../model/cwl.types';
import { tempDir } from '../test-support/paths';
import { runCommandLineTool } from './run-command-line-tool';

async function tool(doc: Record<string, unknown>): Promise<CommandLineTool> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', ...doc } })).process as CommandLineTool;
}

const sha1 = (text: string): string => `sha1$${createHash('sha1').update(text).digest('hex')}`;

describe('collectOutputs', () => {
  it('refuses a globbed symbolic link to a file outside the output directory', async () => {
    const dir = tempDir();
    const outside = join(dir, 'original.txt');
    writeFileSync(outside, 'secret\n');
    const t = await tool({ baseCommand: ['ln', '-s', outside, 'symlink.txt'], inputs: [], outputs: { out: { type: 'File', outputBinding: { glob: 'symlink.txt' } } } });
    await assert.rejects(
      runCommandLineTool(t, {}, { outdir: join(dir, 'o'), tmpdir: join(dir, 't') }),
      (e: unknown) => e instanceof CwlExecutionError && e.message === `output 'out': 'symlink.txt' is a symbolic link to ${realpathSync(outside)}, outside the output directory; only files the tool wrote there or was given as inputs may be collected`,
    );
  });

  it('collects links inside the output directory, to inputs and to InitialWorkDir objects', async () => {
    const dir = tempDir();
    const input = join(dir, 'input.txt');
    writeFileSync(input, 'in\n');
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'lib', 'ref.txt'), 'ref\n');
    const t = await tool({
      requirements: { InitialWorkDirRequirement: { listing: [{ class: 'Directory', location: pathToFileURL(join(dir, 'lib')).href }] } },
      baseCommand: ['sh', '-c', 'mkdir adir && echo own > adir/own.txt && ln -s adir/own.txt inside.txt && ln -s "$0" to-input.txt'],
      inputs: { f: { type: 'File', inputBinding: { position: 1 } } },
      outputs: {
        inside: { type: 'File', outputBinding: { glob: 'inside.txt' } },
        toInput: { type: 'File', outputBinding: { glob: 'to-input.txt' } },
        iwd: { type: 'File', outputBinding: { glob: 'lib/ref.txt' } },
      },
    });
    const result = await runCommandLineTool(t, { f: { class: 'File', location: pathToFileURL(input).href } }, { outdir: join(dir, 'o'), tmpdir: join(dir, 't') });
    assert.equal(result.status, 'success', readFileSync(result.stderrPath, 'utf8'));
    const checksums = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, (v as { checksum: string }).checksum]));
    assert.deepEqual(checksums, { inside: sha1('own\n'), toInput: sha1('in\n'), iwd: sha1('ref\n') });
  });

  it('completes the Files that outputEval names by path, in a record', async () => {
    const dir = tempDir();
    const t = await tool({
      requirements: { InlineJavascriptRequirement: {} },
      baseCommand: ['sh', '-c', 'printf abc > a.txt && touch b.txt'],
      inputs: [],
      outputs: {
        refs: {
          type: { type: 'record', name: 'Refs', fields: [{ name: 'a', type: 'File' }, { name: 'b', type: 'File' }] },
          outputBinding: { outputEval: '$({a: {class: "File", path: runtime.outdir + "/a.txt"}, b: {class: "File", location: "b.txt"}})' },
        },
      },
    });
    const outdir = join(dir, 'o');
    const result = await runCommandLineTool(t, {}, { outdir, tmpdir: join(dir, 't') });
    const file = (name: string, text: string): Record<string, unknown> => ({
      class: 'File', location: pathToFileURL(join(outdir, name)).href, path: join(outdir, name), basename: name, nameroot: name.slice(0, -4), nameext: '.txt',
      size: text.length, checksum: sha1(text),
    });
    assert.deepEqual(result.outputs, { refs: { a: file('a.txt', 'abc'), b: file('b.txt', '') } });
  });
});
