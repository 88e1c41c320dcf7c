import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runTool, writeOutput, type ToolIo } from '@saber/toolkit';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'density-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('density', () => {
  it('counts voxels, vessel voxels and cells per region and writes the merger tally', async () => {
    const shape = [2, 4, 5] as const;
    const vessels = new Uint8Array(40);
    const regions = new Uint16Array(40);
    for (let i = 0; i < 40; i++) {
      regions[i] = i < 20 ? 1 : 2;
      vessels[i] = i % 4 === 0 ? 1 : 0;
    }
    await writeOutput(join(dir, 'v.npy'), vessels, shape);
    await writeOutput(join(dir, 'r.npy'), regions, shape);
    writeFileSync(join(dir, 'c.json'), JSON.stringify({ detections: [{ z: 0, y: 1.4, x: 2 }, { z: 0.6, y: 0, x: 0 }, { z: 1, y: 3, x: 4 }] }));
    const lines: string[] = [];
    const io: ToolIo = { out: (l) => lines.push(l), err: () => {} };
    await main(['--cells', join(dir, 'c.json'), '--vessels', join(dir, 'v.npy'), '--regions', join(dir, 'r.npy'), '--voxel-size', '1000,1000,1000', '-o', join(dir, 'd.json')], io);
    const doc = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8'));
    assert.deepEqual(doc.regions, { 1: { voxels: 20, foreground: 5, detections: 1 }, 2: { voxels: 20, foreground: 5, detections: 2 } });
    assert.deepEqual(doc.table[1], { region: 2, voxels: 20, vesselVoxels: 5, cells: 2, vesselFraction: 0.25, cellsPerVoxel: 0.1, cellsPerMm3: 0.1 / 1e-9 });
    assert.deepEqual(lines, ['cells: 3', 'vessel_fraction: 0.25', 'cells_per_voxel: 0.075', 'cells_per_mm3: 75000000', 'region_1_cells: 1', 'region_1_vessel_fraction: 0.25', 'region_2_cells: 2', 'region_2_vessel_fraction: 0.25']);
  });

  it('with --box and --core counts only the core, so that the tallies of blocks add up to the whole volume', async () => {
    // A 2 × 4 × 5 volume (v.npy, r.npy above) cut along x into cores [0, 3) and [3, 5), each read with a halo of 1.
    const whole = JSON.parse(readFileSync(join(dir, 'd.json'), 'utf8')).regions;
    const vessels = new Uint8Array(40);
    for (let i = 0; i < 40; i++) vessels[i] = i % 4 === 0 ? 1 : 0;
    const cells = [{ z: 0, y: 1.4, x: 2 }, { z: 0.6, y: 0, x: 0 }, { z: 1, y: 3, x: 4 }];
    const sum: Record<string, { voxels: number; foreground: number; detections: number }> = {};
    for (const [x0, x1, h0, h1] of [[0, 3, 0, 4], [3, 5, 2, 5]]) {
      const w = h1 - h0;
      const part = new Uint8Array(2 * 4 * w);
      for (let z = 0; z < 2; z++) for (let y = 0; y < 4; y++) for (let x = 0; x < w; x++) part[(z * 4 + y) * w + x] = vessels[(z * 4 + y) * 5 + x + h0];
      await writeOutput(join(dir, `v${x0}.npy`), part, [2, 4, w]);
      writeFileSync(join(dir, `c${x0}.json`), JSON.stringify({ frame: 'halo', detections: cells.filter((c) => c.x >= h0 && c.x < h1).map((c) => ({ ...c, x: c.x - h0 })) }));
      await main(['--cells', join(dir, `c${x0}.json`), '--vessels', join(dir, `v${x0}.npy`), '--regions', join(dir, 'r.npy'), '--box', `0:2,0:4,${h0}:${h1}`, '--core', `0:2,0:4,${x0}:${x1}`, '-o', join(dir, `d${x0}.json`)], { out: () => {}, err: () => {} });
      for (const [r, t] of Object.entries(JSON.parse(readFileSync(join(dir, `d${x0}.json`), 'utf8')).regions as typeof sum)) {
        const s = (sum[r] ??= { voxels: 0, foreground: 0, detections: 0 });
        s.voxels += t.voxels;
        s.foreground += t.foreground;
        s.detections += t.detections;
      }
    }
    assert.deepEqual(sum, whole);
    const errors: string[] = [];
    assert.equal(await runTool(main, ['--cells', join(dir, 'c0.json'), '--vessels', join(dir, 'v0.npy'), '--box', '0:2,0:4,0:4', '--core', '0:2,0:4,0:5', '-o', join(dir, 'x.json')], { out: () => {}, err: (l) => errors.push(l) }), 1);
    assert.equal(await runTool(main, ['--cells', join(dir, 'c0.json'), '--vessels', join(dir, 'v0.npy'), '--core', '0:2,0:4,0:3', '-o', join(dir, 'x.json')], { out: () => {}, err: (l) => errors.push(l) }), 2);
    assert.equal(await runTool(main, ['--cells', join(dir, 'c0.json'), '--vessels', join(dir, 'v0.npy'), '--box', '0:2,0:4,0:5', '-o', join(dir, 'x.json')], { out: () => {}, err: (l) => errors.push(l) }), 1);
    assert.deepEqual(errors, [
      'error: --core 0:2,0:4,0:5 is not inside --box 0:2,0:4,0:4',
      'error: --core needs --box (where the inputs lie in the volume)',
      'error: --box 0:2,0:4,0:5 is 2 × 4 × 5, the vessels are 2 × 4 × 4',
    ]);
  });

  it('refuses cells outside the volume', async () => {
    writeFileSync(join(dir, 'out.json'), JSON.stringify([{ z: 5, y: 0, x: 0 }]));
    const errors: string[] = [];
    assert.equal(await runTool(main, ['--cells', join(dir, 'out.json'), '--vessels', join(dir, 'v.npy'), '-o', join(dir, 'x.json')], { out: () => {}, err: (l) => errors.push(l) }), 1);
    assert.match(errors[0], /is outside the volume \(2, 4, 5\)/);
  });
});
