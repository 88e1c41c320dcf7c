import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { connectedComponents, labelComponents, type Connectivity } from '@saber/imaging';
import { createVolume, openVolume } from '@saber/volume';
import {
  BlockGrid, box, connectedComponentsBlock, IncompleteBlocksError, InvalidLabelsError, memoryLabelSource, MemoryLabelSink, memoryVolume, mosaicLabelSource, mulberry32,
  perBlockLabelSource, runBlocks, stitchLabels, VolumeLabelSink, writeBlockVolume, type BlockLabels, type Vec3,
} from '../index';
import { BoundaryStore } from './boundary-store';

const whole = (shape: Vec3) => box([0, 0, 0], shape);

/** A random mask of `fraction` foreground, made blobby by keeping runs along x. */
function randomMask(rand: () => number, shape: Vec3, fraction: number): Uint8Array {
  const m = new Uint8Array(shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < m.length; i++) m[i] = rand() < fraction ? 1 : 0;
  return m;
}

async function stitchMemory(grid: BlockGrid, results: BlockLabels[], options: Parameters<typeof stitchLabels>[3] = {}) {
  const sink = new MemoryLabelSink();
  const r = await stitchLabels(grid, memoryLabelSource(results), sink, options);
  return { labels: sink.labels, result: r };
}

describe('stitchLabels', () => {
  it('stitches block connected components into exactly connectedComponents of the whole volume: adjacency (cores) and overlap (halos), 6/18/26, random grids', async () => {
    const rand = mulberry32(11);
    let trials = 0;
    for (let t = 0; t < 60; t++) {
      const shape: Vec3 = [1 + Math.floor(rand() * 9), 1 + Math.floor(rand() * 12), 1 + Math.floor(rand() * 12)];
      const mask = randomMask(rand, shape, 0.2 + rand() * 0.5);
      const connectivity = ([6, 18, 26] as Connectivity[])[t % 3]!;
      const size: Vec3 = [1 + Math.floor(rand() * shape[0]), 1 + Math.floor(rand() * shape[1]), 1 + Math.floor(rand() * shape[2])];
      const halo = Math.floor(rand() * 3);
      const grid = new BlockGrid({ bounds: whole(shape), size, halo: [halo, halo, halo] });
      const computed = await runBlocks(memoryVolume(mask, shape), grid, connectedComponentsBlock({ connectivity }), { keep: halo === 0 ? 'core' : 'halo' });
      // A third of the trials hand the stitcher Uint16 labels, a third Uint8 where they fit:
      // converted to ids in one reused array of blocks of several sizes.
      const narrow = (l: BlockLabels['labels']) => (Math.floor(t / 3) % 3 === 1 ? Uint16Array.from(l as Uint32Array) : Math.max(...(l as Uint32Array)) < 256 ? Uint8Array.from(l as Uint32Array) : l);
      const results = Math.floor(t / 3) % 3 === 0 ? computed : computed.map((r) => ({ ...r, labels: narrow(r.labels) }));
      const expected = connectedComponents(mask, shape, { connectivity });
      const { labels, result } = await stitchMemory(grid, results, { connectivity });
      assert.equal(result.match, halo > 0 || grid.total === 1 ? 'overlap' : 'adjacency');
      assert.deepEqual(labels, expected.labels, `trial ${t}: shape ${shape}, blocks ${size}, halo ${halo}, connectivity ${connectivity}`);
      assert.equal(result.count, expected.count);
      trials++;
    }
    assert.equal(trials, 60);
  });

  it('keeps touching objects apart with overlap matching of labelComponents (same label and adjacent)', async () => {
    const rand = mulberry32(5);
    for (let t = 0; t < 20; t++) {
      const shape: Vec3 = [2 + Math.floor(rand() * 6), 2 + Math.floor(rand() * 10), 2 + Math.floor(rand() * 10)];
      const values = Uint8Array.from({ length: shape[0] * shape[1] * shape[2] }, () => Math.floor(rand() * 3));
      const grid = new BlockGrid({ bounds: whole(shape), size: [2, 3, 4], halo: [1, 2, 1] });
      const results = await runBlocks(memoryVolume(values, shape), grid, (input, _box, block) =>
        labelComponents(input, [block.halo.stop[0] - block.halo.start[0], block.halo.stop[1] - block.halo.start[1], block.halo.stop[2] - block.halo.start[2]], { connectivity: 6 }).labels,
      );
      const { labels } = await stitchMemory(grid, results);
      assert.deepEqual(labels, labelComponents(values, shape, { connectivity: 6 }).labels, `trial ${t}`);
    }
  });

  it('numbers sparse and 64-bit block labels densely; globalId maps each block label to its output id', async () => {
    const shape: Vec3 = [2, 4, 8];
    // x = 0..3 is one object, x = 5 another; block 1 (x 4..8, halo from x 3) sees both.
    const mask = Uint8Array.from({ length: 64 }, (_, i) => (i % 8 < 4 || i % 8 === 5 ? 1 : 0));
    const grid = new BlockGrid({ bounds: whole(shape), size: [2, 4, 4], halo: [0, 0, 1] });
    const dense = await runBlocks(memoryVolume(mask, shape), grid, connectedComponentsBlock({ connectivity: 6 }));
    const sparse: BlockLabels[] = dense.map((r) => ({ box: r.box, labels: Float64Array.from(r.labels as Uint32Array, (l) => (l ? l * 1e12 + 7 : 0)) }));
    const big: BlockLabels[] = dense.map((r) => ({ box: r.box, labels: BigUint64Array.from(r.labels as Uint32Array, (l) => (l ? BigInt(l) * 2n ** 60n + 3n : 0n)) }));
    const expected = connectedComponents(mask, shape, { connectivity: 6 });
    for (const results of [dense, sparse, big]) {
      const { labels, result } = await stitchMemory(grid, results);
      assert.deepEqual(labels, expected.labels);
      assert.equal(result.localLabels, 1 + 2);
    }
    const { result } = await stitchMemory(grid, big);
    const id = (l: number) => BigInt(l) * 2n ** 60n + 3n;
    assert.deepEqual([result.globalId(0, id(1)), result.globalId(1, id(1)), result.globalId(1, id(2)), result.globalId(1, id(3)), result.globalId(1, 0)], [1, 1, 2, 0, 0]);
  });

  it('streams through volumes: per-block zarr results or one mosaic in, a zarr volume out, the same labels', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saber-stitch-'));
    try {
      const shape: Vec3 = [12, 20, 24];
      const mask = randomMask(mulberry32(3), shape, 0.45);
      const grid = new BlockGrid({ bounds: whole(shape), size: [5, 8, 10], halo: [2, 2, 2] });
      const expected = connectedComponents(mask, shape, { connectivity: 26 });
      const halos = await runBlocks(memoryVolume(mask, shape), grid, connectedComponentsBlock({ connectivity: 26 }));
      const uris = await Promise.all(halos.map((r, b) => writeBlockVolume(`zarr://${join(dir, `b${b}.zarr`)}`, r)));
      const out = new VolumeLabelSink(`zarr://${join(dir, 'out.zarr')}`, { chunkShape: grid.size });
      const r = await stitchLabels(grid, perBlockLabelSource((block) => openVolume(uris[block.index]!)), out);
      assert.equal(r.match, 'overlap');
      const stitched = await openVolume(`zarr://${join(dir, 'out.zarr')}`);
      assert.deepEqual([stitched.dtype, [...stitched.chunkShape]], ['uint32', [5, 8, 10]]);
      assert.deepEqual(await stitched.read(), expected.labels);
      await stitched.close();

      const mosaic = await createVolume(`zarr://${join(dir, 'mosaic.zarr')}`, { shape, dtype: 'uint32', chunkShape: grid.size });
      const cores = await runBlocks(memoryVolume(mask, shape), grid, connectedComponentsBlock({ connectivity: 26 }), { keep: 'core' });
      for (const c of cores) await mosaic.write(c.box, c.labels as Uint32Array);
      const sink = new MemoryLabelSink();
      const m = await stitchLabels(grid, mosaicLabelSource(mosaic), sink, { connectivity: 26 });
      await mosaic.close();
      assert.equal(m.match, 'adjacency');
      assert.deepEqual(sink.labels, expected.labels);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses results that do not cover what the matching needs', async () => {
    const shape: Vec3 = [4, 4, 8];
    const grid = new BlockGrid({ bounds: whole(shape), size: [4, 4, 4], halo: [0, 0, 2] });
    const mask = new Uint8Array(128).fill(1);
    const cores = await runBlocks(memoryVolume(mask, shape), grid, connectedComponentsBlock(), { keep: 'core' });
    await assert.rejects(
      stitchLabels(grid, memoryLabelSource(cores), new MemoryLabelSink(), { match: 'overlap' }),
      (e: unknown) => e instanceof IncompleteBlocksError && e.message === 'block 0\'s result covers [0, 0, 0]-[4, 4, 4]; overlap matching needs its core plus a one-voxel shell [0, 0, 0]-[4, 4, 5]',
    );
    await assert.rejects(stitchLabels(grid, memoryLabelSource([cores[0]]), new MemoryLabelSink()), (e: unknown) => e instanceof IncompleteBlocksError && e.message === 'block 1 has no result');
  });

  it('refuses a second read of a block that holds a label its first read did not have', async () => {
    const grid = new BlockGrid({ bounds: whole([2, 2, 4]), size: [2, 2, 2], halo: [0, 0, 0] });
    let reads = 0;
    const source = {
      extent: async (block: { core: ReturnType<typeof box> }) => block.core,
      // Block 1's second read (pass 2) holds label 3; its first held 1 and 2.
      read: async () => (++reads === 4 ? Uint8Array.of(1, 3, 0, 0, 0, 0, 0, 0) : Uint8Array.of(1, 2, 0, 0, 0, 0, 0, 0)),
    };
    await assert.rejects(stitchLabels(grid, source, new MemoryLabelSink(), { match: 'adjacency' }), new InvalidLabelsError('block 1: label 3 was not there on the first read'));
  });

  it('reads every block of a per-block volume source into one reused array', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saber-source-'));
    try {
      const grid = new BlockGrid({ bounds: whole([2, 2, 4]), size: [2, 2, 2], halo: [0, 0, 0] });
      const uris = await Promise.all([0, 1].map((b) => writeBlockVolume(`zarr://${join(dir, `b${b}.zarr`)}`, { box: grid.block(b).core, labels: Uint8Array.of(b, 1, 0, 0, 0, 0, 0, 2) })));
      const source = perBlockLabelSource((block) => openVolume(uris[block.index]!));
      const first = await source.read(grid.block(0), grid.block(0).core);
      assert.deepEqual([...first], [0, 1, 0, 0, 0, 0, 0, 2]);
      const second = await source.read(grid.block(1), box([0, 0, 2], [1, 2, 4]));
      assert.deepEqual([...second], [1, 1, 0, 0]);
      assert.equal(second.buffer, first.buffer);
      await source.close?.();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps a block’s three high faces as global ids in planes allocated once, and reads them back by axis', () => {
    const grid = new BlockGrid({ bounds: box([0, 0, 0], [4, 4, 4]), size: [2, 2, 2], halo: [0, 0, 0] });
    const store = new BoundaryStore(grid);
    const core = box([0, 2, 0], [2, 4, 2]);
    store.putFaces([0, 1, 0], core, Uint32Array.from({ length: 8 }, (_, i) => i), core, 100);
    assert.deepEqual([store.face([0, 1, 0], 0, 1, 3, 1), store.face([0, 1, 0], 1, 0, 3, 0), store.face([0, 1, 0], 2, 1, 2, 1), store.face([0, 1, 0], 0, 1, 2, 0)], [107, 102, 105, 104]);
    assert.equal(store.face([0, 1, 0], 2, 0, 2, 1), 101);
  });
});
