import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { mulberry32, segmentVessels } from '@saber/imaging';
import { openVolume } from '@saber/volume';
import { writeOutput, type ToolIo } from '@saber/toolkit';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'vessel-segment-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('vessel-segment', () => {
  it('keeps a long tube, drops a speck, and scores the mask against the truth', async () => {
    const shape = [10, 12, 40] as const;
    const n = 10 * 12 * 40;
    const p = new Float32Array(n);
    const truth = new Uint8Array(n);
    for (let x = 0; x < 40; x++) {
      for (let z = 3; z < 6; z++) {
        for (let y = 4; y < 7; y++) {
          p[(z * 12 + y) * 40 + x] = 0.9;
          truth[(z * 12 + y) * 40 + x] = 1;
        }
      }
    }
    p[(8 * 12 + 10) * 40 + 5] = 0.95; // a speck
    await writeOutput(join(dir, 'p.npy'), p, shape);
    await writeOutput(join(dir, 't.npy'), truth, shape);
    const lines: string[] = [];
    const io: ToolIo = { out: (l) => lines.push(l), err: () => {} };
    await main(['-i', join(dir, 'p.npy'), '-o', join(dir, 'v.npy'), '--threshold', '0.5', '--small-objects', '10', '--dilation', '1', '--minimum', '100', '--groundtruth', join(dir, 't.npy')], io);
    assert.deepEqual(lines, ['vessel_voxels: 360', `vessel_fraction: ${Number((360 / n).toPrecision(6))}`, 'vessel_components: 1', 'vessel_dice: 1']);
    const v = await openVolume(join(dir, 'v.npy'));
    assert.deepEqual([v.dtype, v.shape], ['uint8', [10, 12, 40]]);
    await v.close();
    lines.length = 0;
    await main(['-i', join(dir, 'p.npy'), '-o', join(dir, 'v.npy'), '--threshold', '0.5', '--minimum', '100000'], io);
    assert.equal(lines[0], 'vessel_voxels: 0');
  });

  it('reads the map slab by slab (the last slab shifted back) and gives segmentVessels\' mask of the whole channel', async () => {
    const rand = mulberry32(3);
    const shape = [21, 9, 11] as const;
    const n = 21 * 9 * 11;
    const p = Float32Array.from({ length: 2 * n }, () => rand());
    await writeOutput(join(dir, 'c.npy'), p, [2, ...shape]);
    const io: ToolIo = { out: () => {}, err: () => {} };
    await main(['-i', join(dir, 'c.npy'), '--channel', '1', '-o', join(dir, 'cv.npy'), '--threshold', '0.6', '--small-objects', '3', '--dilation', '3', '--minimum', '20', '--keep-cut'], io);
    const v = await openVolume(join(dir, 'cv.npy'));
    const got = await v.read();
    await v.close();
    assert.deepEqual(got, segmentVessels(p.subarray(n), [...shape], { threshold: 0.6, smallObjects: 3, dilation: 3, minimumSize: 20, keepCut: true }));
  });

  it('reads a uint8 map (pixel-classifier --dtype uint8) as probabilities x 255', async () => {
    const rand = mulberry32(5);
    const shape = [19, 9, 11] as const;
    const u8 = Uint8Array.from({ length: 19 * 9 * 11 }, () => Math.floor(rand() * 256));
    await writeOutput(join(dir, 'u8.npy'), u8, shape);
    const io: ToolIo = { out: () => {}, err: () => {} };
    await main(['-i', join(dir, 'u8.npy'), '-o', join(dir, 'u8v.npy'), '--threshold', '0.6', '--small-objects', '3', '--dilation', '3', '--minimum', '20'], io);
    const v = await openVolume(join(dir, 'u8v.npy'));
    const got = await v.read();
    await v.close();
    const p = Float32Array.from(u8, (x) => x / 255);
    const want = segmentVessels(p, [...shape], { threshold: 0.6, smallObjects: 3, dilation: 3, minimumSize: 20 });
    assert.ok(want.some((x) => x === 1) && want.some((x) => x === 0), 'the threshold splits the map');
    assert.deepEqual(got, want);
  });
});
