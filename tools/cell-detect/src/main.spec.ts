import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ball } from '@saber/imaging';
import { openVolume } from '@saber/volume';
import { runTool, writeOutput, type ToolIo } from '@saber/toolkit';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'cell-detect-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function io(): ToolIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('cell-detect', () => {
  it('finds the spheres of a probability map, writes them as detections JSON and a label map, and prints metrics', async () => {
    const shape = [24, 26, 28] as const;
    const p = new Float32Array(24 * 26 * 28);
    const b = ball(3);
    const centres = [[6, 7, 8], [16, 18, 19]];
    centres.forEach(([z, y, x], k) => {
      for (let i = 0; i < b.size; i++) p[((z + b.dz[i]) * 26 + y + b.dy[i]) * 28 + x + b.dx[i]] = 0.9 - 0.1 * k;
    });
    // As channel 1 of a two-channel volume, like pixel-classifier output.
    const two = new Float32Array(2 * p.length);
    two.set(p, p.length);
    await writeOutput(join(dir, 'prob.npy'), two, [2, ...shape]);
    const t = io();
    await main(['-i', join(dir, 'prob.npy'), '--channel', '1', '-o', join(dir, 'cells.json'), '--map', join(dir, 'map.npy'), '--initial-template-size', '7', '--dilation', '4', '--frame', 'halo'], t);
    assert.deepEqual(t.lines.slice(0, 2), ['cells: 2', 'last_score: 0.8']);
    const doc = JSON.parse(readFileSync(join(dir, 'cells.json'), 'utf8'));
    assert.deepEqual(doc.detections.map((d: { z: number; y: number; x: number; label: number }) => [d.z, d.y, d.x, d.label]), [[6, 7, 8, 1], [16, 18, 19, 2]]);
    assert.deepEqual([doc.shape, doc.frame, doc.templateSize], [[24, 26, 28], 'halo', 7]);
    const map = await openVolume(join(dir, 'map.npy'));
    const labels = (await map.read()) as Uint32Array;
    await map.close();
    assert.deepEqual([map.dtype, labels.filter((l) => l === 1).length, labels.filter((l) => l === 2).length], ['uint32', b.size, b.size]);
  });

  it('reads a uint8 map (pixel-classifier --dtype uint8) as probabilities x 255: the same cells and scores as its float map', async () => {
    const shape = [24, 26, 28] as const;
    const u8 = new Uint8Array(24 * 26 * 28);
    const b = ball(3);
    [[6, 7, 8, 230], [16, 18, 19, 204]].forEach(([z, y, x, v]) => {
      for (let i = 0; i < b.size; i++) u8[((z + b.dz[i]) * 26 + y + b.dy[i]) * 28 + x + b.dx[i]] = v;
    });
    await writeOutput(join(dir, 'u8.npy'), u8, shape);
    await writeOutput(join(dir, 'f32.npy'), Float32Array.from(u8, (v) => v / 255), shape);
    const args = ['--initial-template-size', '7', '--dilation', '4', '--threshold', '0.5', '--stop', '0.5'];
    const a = io();
    await main(['-i', join(dir, 'u8.npy'), '-o', join(dir, 'u8.json'), ...args], a);
    const f = io();
    await main(['-i', join(dir, 'f32.npy'), '-o', join(dir, 'f32.json'), ...args], f);
    assert.deepEqual(a.lines.slice(0, 2), ['cells: 2', `last_score: ${Number(Math.fround(204 / 255).toPrecision(6))}`]);
    assert.deepEqual(a.lines.slice(0, 2), f.lines.slice(0, 2));
    const cells = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')).detections;
    assert.deepEqual(cells('u8.json'), cells('f32.json'));
  });

  it('needs --channel for a multi-channel input and refuses bad values', async () => {
    const e = io();
    assert.equal(await runTool(main, ['-i', join(dir, 'prob.npy'), '-o', join(dir, 'x.json')], e), 1);
    assert.match(e.errors[0], /has 2 channel\(s\); choose one with --channel/);
    assert.equal(await runTool(main, ['-i', join(dir, 'prob.npy'), '-o', join(dir, 'x.json'), '--max-cells', '-1'], io()), 2);
  });
});
