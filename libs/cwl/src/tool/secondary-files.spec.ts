import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir } from '../test-support/paths';
import { discoverSecondaryFiles, secondaryFileCandidates, secondaryName } from './secondary-files';

const noEval = async (): Promise<unknown> => {
  throw new Error('no expressions here');
};

describe('secondary files', () => {
  it('applies suffix and ^ patterns', () => {
    assert.equal(secondaryName('a.bam', '.bai'), 'a.bam.bai');
    assert.equal(secondaryName('a.bam', '^.bai'), 'a.bai');
    assert.equal(secondaryName('a.tar.gz', '^^.txt?'), 'a.txt');
  });
  it('uses expression results as file names, with required from the schema', async () => {
    const evaluate = async (text: string): Promise<unknown> => (text === '$(x)' ? ['a.idx', null] : false);
    const primary = { class: 'File' as const, basename: 'a.txt' };
    assert.deepEqual(await secondaryFileCandidates(primary, [{ pattern: '$(x)' }, { pattern: '.opt', required: '$(r)' }, { pattern: '.q?' }], evaluate), [
      { name: 'a.idx', required: true },
      { name: 'a.txt.opt', required: false },
      { name: 'a.txt.q', required: false },
    ]);
  });
  it('discovers existing secondary files of record fields on disk', async () => {
    const dir = tempDir();
    for (const f of ['A', 'A.s2']) writeFileSync(join(dir, f), '');
    const type = { type: 'record' as const, fields: [{ name: 'f1', type: 'File', secondaryFiles: [{ pattern: '.s2' }, { pattern: '.s9', required: false }] }] };
    const value = { f1: { class: 'File', location: pathToFileURL(join(dir, 'A')).href, basename: 'A' } };
    const found = (await discoverSecondaryFiles(value, type, undefined, noEval)) as { f1: { secondaryFiles: { location: string }[] } };
    assert.deepEqual(found.f1.secondaryFiles.map((s) => s.location), [pathToFileURL(join(dir, 'A.s2')).href]);
  });
});
