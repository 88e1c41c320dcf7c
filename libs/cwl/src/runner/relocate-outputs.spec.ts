import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { tempDir } from '../test-support/paths';
import { relocateOutputs } from './relocate-outputs';

const ref = (cls: 'File' | 'Directory', path: string): Record<string, unknown> => ({ class: cls, location: pathToFileURL(path).href, path, basename: path.slice(path.lastIndexOf('/') + 1) });

describe('relocateOutputs', () => {
  it('moves a file only one output reaches', async () => {
    const work = tempDir();
    const outdir = tempDir();
    writeFileSync(join(work, 'a.txt'), 'a');
    const out = (await relocateOutputs({ a: ref('File', join(work, 'a.txt')) }, outdir, work)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(out.a, ref('File', join(outdir, 'a.txt')));
    assert.equal(existsSync(join(work, 'a.txt')), false);
  });

  it('copies, once, a file that two outputs reach by different paths, and keeps the work copy', async () => {
    const work = tempDir();
    const outdir = tempDir();
    mkdirSync(join(work, 'step1', 'dir'), { recursive: true });
    writeFileSync(join(work, 'step1', 'dir', 'blurb'), 'b');
    mkdirSync(join(work, 'step2'));
    symlinkSync(join(work, 'step1', 'dir'), join(work, 'step2', 'inp'));
    const outputs = { a: [ref('File', join(work, 'step1', 'dir', 'blurb'))], b: [ref('File', join(work, 'step2', 'inp', 'blurb'))] };
    const out = (await relocateOutputs(outputs, outdir, work)) as Record<string, Record<string, unknown>[]>;
    assert.deepEqual(out, { a: [ref('File', join(outdir, 'blurb'))], b: [ref('File', join(outdir, 'blurb'))] });
    assert.equal(readFileSync(join(outdir, 'blurb'), 'utf8'), 'b');
    assert.equal(existsSync(join(work, 'step1', 'dir', 'blurb')), true);
  });

  it('copies a directory when another output reaches a file inside it', async () => {
    const work = tempDir();
    const outdir = tempDir();
    mkdirSync(join(work, 'd'));
    writeFileSync(join(work, 'd', 'x'), 'x');
    const out = (await relocateOutputs({ dir: ref('Directory', join(work, 'd')), file: ref('File', join(work, 'd', 'x')) }, outdir, work)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(out, { dir: ref('Directory', join(outdir, 'd')), file: ref('File', join(outdir, 'x')) });
    assert.deepEqual([readFileSync(join(outdir, 'd', 'x'), 'utf8'), readFileSync(join(outdir, 'x'), 'utf8')], ['x', 'x']);
  });
});
