import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { CwlInputError } from '../errors/cwl-errors';
import { loadDocument } from '../loader/load-document';
import { tempDir } from '../test-support/paths';
import { loadJob } from './load-job';
import { resolveInputs } from './resolve-inputs';

describe('loadJob and resolveInputs', () => {
  it('resolves File paths relative to the job file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'job.yml'), 'reads:\n  class: File\n  path: data/r.fq\nn: 2\n');
    assert.deepEqual(await loadJob(join(dir, 'job.yml')), { reads: { class: 'File', location: pathToFileURL(join(dir, 'data/r.fq')).href }, n: 2 });
  });

  it('applies defaults, fills File names and checks types', async () => {
    const { process } = await loadDocument({
      inline: { cwlVersion: 'v1.2', class: 'CommandLineTool', baseCommand: 'true', outputs: [], inputs: { f: 'File', n: { type: 'int', default: 5 }, o: 'string?' } },
    });
    assert.deepEqual(resolveInputs(process, { f: { class: 'File', location: 'file:///d/a.tar.gz' } }), {
      f: { class: 'File', location: 'file:///d/a.tar.gz', basename: 'a.tar.gz', nameroot: 'a.tar', nameext: '.gz' }, n: 5, o: null,
    });
    assert.throws(() => resolveInputs(process, { n: 1 }), new CwlInputError('f', 'File', 'missing required input'));
    assert.throws(() => resolveInputs(process, { f: { class: 'File', location: 'file:///x' }, n: 'x' }), (e: unknown) => e instanceof CwlInputError && e.message === `input 'n' (expected int): got string "x"`);
  });
});
