import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openVolume } from '@saber/volume';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/saber/bin/saber.js');

interface MergedResult {
  output: string;
  kind: string;
  uri: string;
  files: Record<string, string>;
  count: number;
}

/**
 * workflows/xrm/xrm-block.cwl as a block sweep (issue 5): the canonical XRM pipeline on 8
 * blocks gives exactly what it gives as one block covering the volume: the same cells (each
 * counted once), the same vessel mask, the same densities.
 */
describe('the XRM workflow as a block sweep (saber deploy, embedded)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'saber-xrm-sweep-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const tool = (name: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'tools', name, 'dist/main.js'), ...args], { encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
  };
  const deploy = (name: string, block: string, env: Record<string, string> = {}) => {
    const sweep = join(dir, `${name}.yml`);
    writeFileSync(sweep, `block: {bounds: {stop: [64, 64, 64]}, ${block}, inputs: {box: box, halo_box: halo_box}}\n`);
    const r = spawnSync(
      process.execPath,
      [BIN, 'deploy', join(ROOT, 'workflows/xrm/xrm-block.cwl'), join(dir, 'job.yml'), '--sweep', sweep, '--no-progress', '--no-catalog', '--home', join(dir, name)],
      { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 300_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { total: number; iterations: unknown[]; iterationsFile?: string; merged: Array<{ results: MergedResult[] }> };
    return {
      blocks: out.total,
      iterations: out.iterations.length,
      iterationsFile: out.iterationsFile,
      merged: Object.fromEntries(out.merged[0]!.results.map((m) => [m.output, m])) as Record<string, MergedResult>,
    };
  };
  const cells = (m: MergedResult) => (JSON.parse(readFileSync(fileURLToPath(m.uri), 'utf8')).detections as Array<{ z: number; y: number; x: number }>).map((d) => [d.z, d.y, d.x].join(',')).sort();
  const mask = async (m: MergedResult) => {
    const v = await openVolume(m.uri);
    const data = await v.read();
    await v.close();
    return Uint8Array.from(data as Uint32Array, (l) => (l ? 1 : 0));
  };

  it('finds the same cells, vessels and densities on 2 × 2 × 2 blocks as on one block', async () => {
    tool('xrm-synth', '--image', join(dir, 'train.npy'), '--classes', join(dir, 'classes.npy'), '--shape', '48,48,48', '--seed', '7');
    tool('pixel-classifier', 'train', '--image', join(dir, 'train.npy'), '--labels', join(dir, 'classes.npy'), '--model', join(dir, 'model.json'), '--scales', '1,2', '--features', 'gaussian,laplacian,hessian', '--samples', '4000', '--trees', '4');
    tool('xrm-synth', '--image', join(dir, 'image.npy'), '--shape', '64,64,64', '--seed', '2', '--cell-count', '12');
    writeFileSync(join(dir, 'job.yml'), 'image: {class: File, path: image.npy}\nclassifier: {class: File, path: model.json}\ninitial_template_size: 12\nvessel_minimum: 200\n');

    // The 8-block sweep with an inline limit of 100 bytes: the blocker hands its block list to the
    // merger, and its iterations to the CLI, in files (as it does for sweeps of thousands of blocks).
    const blocks = deploy('blocks', 'size: [32, 32, 32], halo: [20, 20, 20]', { SABER_SWEEP_INLINE_LIMIT: '100' });
    const whole = deploy('whole', 'size: [64, 64, 64]');
    assert.deepEqual([blocks.blocks, whole.blocks], [8, 1]);
    assert.deepEqual([blocks.iterations, whole.iterations, whole.iterationsFile], [8, 1, undefined]);
    assert.match(blocks.iterationsFile ?? '', /^file:\/\/.*\/sweeps\/sweep-[a-z0-9-]+\/iterations\.json$/);
    for (const r of [blocks, whole]) {
      assert.deepEqual(Object.keys(r.merged).sort(), ['cells', 'densities', 'vessels']);
      assert.deepEqual([r.merged.cells!.kind, r.merged.vessels!.kind, r.merged.densities!.kind], ['detections', 'segmentation', 'densities']);
      assert.deepEqual(Object.keys(r.merged.vessels!.files).sort(), ['precomputed', 'zarr']);
      assert.deepEqual(Object.keys(r.merged.cells!.files).sort(), ['csv', 'json']);
    }

    const found = cells(whole.merged.cells!);
    assert.ok(found.length >= 3, `the fixture has cells to find (${found.length})`);
    assert.deepEqual(cells(blocks.merged.cells!), found, 'every cell once, where the whole volume finds it');
    const [m8, m1] = [await mask(blocks.merged.vessels!), await mask(whole.merged.vessels!)];
    assert.ok(m1.reduce((a, v) => a + v, 0) > 500, 'the fixture has vessels');
    assert.deepEqual(m8, m1, 'the stitched vessel mask is the whole volume’s');
    assert.equal(blocks.merged.vessels!.count, whole.merged.vessels!.count, 'the same vessel components');
    const densities = (m: MergedResult) => JSON.parse(readFileSync(fileURLToPath(m.uri), 'utf8')).regions;
    assert.deepEqual(densities(blocks.merged.densities!), densities(whole.merged.densities!));
    assert.equal(densities(whole.merged.densities!)[0].voxels, 64 ** 3);
    assert.equal(densities(whole.merged.densities!)[0].detections, found.length);
  });

  it('runs the README demo (workflows/xrm/demo/xrm-demo.mjs) end to end, here on a 64³ volume, and prints where its results are and their scores', () => {
    const out = join(dir, 'demo');
    const r = spawnSync(process.execPath, [join(ROOT, 'workflows/xrm/demo/xrm-demo.mjs'), '--size', '64', '--block', '32', '--halo', '20', '--train-size', '48', '--out', out], {
      cwd: ROOT, env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 300_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const last = r.stdout.trimEnd().split('\n').at(-1)!;
    const m = /^xrm-demo: size=64 blocks=8 cells=(\d+) f1=([01]\.\d{3}) dice=([01]\.\d{3}) sweep_seconds=[0-9.]+ seconds=\d+/.exec(last);
    assert.ok(m, last);
    assert.ok(Number(m[3]) > 0.5, `vessel Dice ${m[3]}`);
    const csv = /^cells: +(\S+\.csv) \(and \.json\)$/m.exec(r.stdout)?.[1];
    assert.ok(csv, r.stdout);
    assert.equal(readFileSync(csv, 'utf8').trimEnd().split('\n').length, Number(m[1]) + 1, 'a header and one row per cell');
    assert.match(r.stdout, /^vessels: +zarr:\/\/\/\S+\.zarr, precomputed:\/\/\/\S+\.precomputed$/m);
    assert.match(r.stdout, /^ {2}region 1: \d+ cells in 262144 voxels/m);
  });
});
