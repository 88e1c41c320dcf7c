import assert from 'node:assert/strict';
import { lstatSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { expressionSettings } from '../expressions/evaluate-expression';
import { loadDocument } from '../loader/load-document';
import type { CommandLineTool } from '../model/cwl.types';
import { tempDir } from '../test-support/paths';
import { stageInitialWorkDir } from './initial-workdir';

async function tool(doc: Record<string, unknown>): Promise<CommandLineTool> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', baseCommand: 'true', outputs: [], ...doc } })).process as CommandLineTool;
}

describe('stageInitialWorkDir', () => {
  const dir = tempDir();
  const input = join(dir, 'value.txt');
  writeFileSync(input, '3');
  const file = { class: 'File', location: pathToFileURL(input).href, path: input, basename: 'value.txt' };
  const listing = [{ entry: '$(inputs.r)', writable: true }];

  it('copies a writable entry, and links the input itself under InplaceUpdateRequirement', async () => {
    const copy = await tool({ requirements: { InitialWorkDirRequirement: { listing } }, inputs: { r: 'File' } });
    const out1 = join(dir, 'o1');
    await stageInitialWorkDir(copy, out1, { inputs: { r: file } }, expressionSettings([]));
    assert.equal(lstatSync(join(out1, 'value.txt')).isSymbolicLink(), false);
    writeFileSync(join(out1, 'value.txt'), '4');
    assert.equal(readFileSync(input, 'utf8'), '3');

    const inplace = await tool({ requirements: { InitialWorkDirRequirement: { listing }, InplaceUpdateRequirement: { inplaceUpdate: true } }, inputs: { r: 'File' } });
    const out2 = join(dir, 'o2');
    await stageInitialWorkDir(inplace, out2, { inputs: { r: file } }, expressionSettings([]));
    assert.equal(readlinkSync(join(out2, 'value.txt')), input);
  });

  it('names File and Directory objects without a basename after their location', async () => {
    mkdirSync(join(dir, 'testdir'));
    const t = await tool({
      requirements: { InitialWorkDirRequirement: { listing: [file, { class: 'Directory', location: pathToFileURL(join(dir, 'testdir')).href }].map(({ class: c, location }) => ({ class: c, location })) } },
      inputs: [],
    });
    const out = join(dir, 'o3');
    await stageInitialWorkDir(t, out, { inputs: {} }, expressionSettings([]));
    assert.deepEqual([readlinkSync(join(out, 'value.txt')), readlinkSync(join(out, 'testdir'))], [input, join(dir, 'testdir')]);
  });
});
