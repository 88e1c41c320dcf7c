import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openVolume } from '@saber/volume';
import { type ToolIo } from '@saber/toolkit';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'xrm-synth-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('xrm-synth', () => {
  it('writes the image, ground truth and training labels, deterministically from the seed', async () => {
    const run = async (prefix: string, seed: string): Promise<string[]> => {
      const lines: string[] = [];
      const io: ToolIo = { out: (l) => lines.push(l), err: () => {} };
      const f = (name: string) => join(dir, `${prefix}-${name}`);
      await main(['--image', f('image.npy'), '--cells', f('cells.npy'), '--vessels', f('vessels.npy'), '--truth', f('truth.json'), '--classes', f('classes.npy'), '--shape', '32,40,48', '--seed', seed, '--cell-count', '6', '--vessel-trees', '1'], io);
      return lines;
    };
    const a = await run('a', '3');
    const b = await run('b', '3');
    assert.deepEqual(a, b);
    assert.match(a[0], /^cells: \d+$/);
    const read = async (name: string) => {
      const v = await openVolume(join(dir, name));
      const d = await v.read();
      await v.close();
      return { d, v };
    };
    const img = await read('a-image.npy');
    assert.deepEqual([img.v.shape, img.v.dtype], [[32, 40, 48], 'float32']);
    assert.deepEqual(img.d, (await read('b-image.npy')).d);
    const cells = (await read('a-cells.npy')).d as Uint32Array;
    const vessels = (await read('a-vessels.npy')).d as Uint8Array;
    const classes = (await read('a-classes.npy')).d as Uint8Array;
    for (let i = 0; i < classes.length; i++) assert.equal(classes[i], vessels[i] ? 3 : cells[i] ? 2 : 1);
    const truth = JSON.parse(readFileSync(join(dir, 'a-truth.json'), 'utf8'));
    assert.deepEqual(truth.shape, [32, 40, 48]);
    assert.equal(`cells: ${truth.cells.length}`, a[0]);
  });
});
