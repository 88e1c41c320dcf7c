import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { neighborhood, regionalMinimaSeeds, type Connectivity } from '@saber/imaging';
import {
  BlockGrid, box, certifyWatershedHalo, dependencyBox, memoryLabelSource, MemoryLabelSink, memoryVolume, mulberry32, relabelByFirstVoxel, runBlocks, stitchLabels,
  watershedBlock, watershedDependencies, type Box3, type Vec3,
} from '../index';

/** Δ(x) straight from the definition, by breadth-first closure, as a box with the non-seed voxels' neighbours. */
function bruteForceBox(f: Float32Array, shape: Vec3, conn: Connectivity, seeds: Uint32Array, start: number): Box3 {
  const [Z, Y, X] = shape;
  const nb = neighborhood(conn);
  const coords = (i: number) => [Math.floor(i / (Y * X)), Math.floor(i / X) % Y, i % X] as const;
  const neighbours = (i: number) => {
    const [z, y, x] = coords(i);
    const out: number[] = [];
    for (let k = 0; k < nb.size; k++) {
      const nz = z + nb.dz[k]!, ny = y + nb.dy[k]!, nx = x + nb.dx[k]!;
      if (nz >= 0 && nz < Z && ny >= 0 && ny < Y && nx >= 0 && nx < X) out.push((nz * Y + ny) * X + nx);
    }
    return out;
  };
  const inSet = new Set<number>([start]);
  const todo = [start];
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  const cover = (i: number) =>
    coords(i).forEach((c, a) => {
      lo[a] = Math.min(lo[a]!, c);
      hi[a] = Math.max(hi[a]!, c + 1);
    });
  const add = (j: number) => {
    if (inSet.has(j)) return;
    inSet.add(j);
    todo.push(j);
  };
  while (todo.length) {
    const u = todo.pop()!;
    cover(u);
    if (seeds[u] !== 0) continue;
    for (const j of neighbours(u)) {
      cover(j);
      if (f[j] === f[u]) add(j); // the plateau
    }
    const lowest = Math.min(...neighbours(u).map((j) => f[j]!));
    if (lowest < f[u]!) for (const j of neighbours(u)) if (f[j] === lowest) add(j);
  }
  return { start: lo as unknown as Vec3, stop: hi as unknown as Vec3 };
}

async function stitchedWatershed(f: Float32Array, shape: Vec3, grid: BlockGrid, connectivity: Connectivity): Promise<Uint32Array> {
  const results = await runBlocks(memoryVolume(f, shape), grid, watershedBlock({ connectivity }));
  const sink = new MemoryLabelSink();
  await stitchLabels(grid, memoryLabelSource(results), sink, { match: 'overlap' });
  return relabelByFirstVoxel(sink.labels).labels;
}

describe('watershed halo certificate', () => {
  it('dependency boxes equal the closure of the definition (plateaus, lowest lower neighbours, seeds end it) on plateau-heavy landscapes', () => {
    const rand = mulberry32(2);
    for (let t = 0; t < 40; t++) {
      const shape: Vec3 = [1 + Math.floor(rand() * 4), 2 + Math.floor(rand() * 6), 2 + Math.floor(rand() * 6)];
      const levels = 2 + Math.floor(rand() * 4);
      const f = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => Math.floor(rand() * levels));
      const conn = t % 2 ? 6 : 26;
      const deps = watershedDependencies(f, shape, { connectivity: conn });
      const seeds = regionalMinimaSeeds(f, shape, { connectivity: conn }).labels;
      for (let i = 0; i < f.length; i++) {
        const [z, y, x] = [Math.floor(i / (shape[1] * shape[2])), Math.floor(i / shape[2]) % shape[1], i % shape[2]];
        const expected = seeds[i] ? box([z, y, x], [z + 1, y + 1, x + 1]) : bruteForceBox(f, shape, conn, seeds, i);
        assert.deepEqual(dependencyBox(deps, z, y, x), expected, `trial ${t}, voxel ${i}`);
      }
    }
  });

  it('a certified grid stitches the watershed exactly; uncertified grids often do not (random plateau-heavy and continuous landscapes)', async () => {
    const rand = mulberry32(7);
    let certified = 0;
    let wrongUncertified = 0;
    for (let t = 0; t < 150; t++) {
      const shape: Vec3 = [1 + Math.floor(rand() * 6), 2 + Math.floor(rand() * 9), 2 + Math.floor(rand() * 9)];
      const levels = t % 3 === 0 ? 1e9 : 2 + Math.floor(rand() * 5);
      const f = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => Math.floor(rand() * levels));
      const conn: Connectivity = t % 2 ? 6 : 26;
      const grid = new BlockGrid({ bounds: box([0, 0, 0], shape), size: [1 + Math.floor(rand() * shape[0]), 1 + Math.floor(rand() * shape[1]), 1 + Math.floor(rand() * shape[2])], halo: [1, 2, 3].map(() => 1 + Math.floor(rand() * 7)) as unknown as Vec3 });
      const cert = certifyWatershedHalo(watershedDependencies(f, shape, { connectivity: conn }), grid);
      const whole = await stitchedWatershed(f, shape, new BlockGrid({ bounds: box([0, 0, 0], shape), size: shape, halo: [0, 0, 0] }), conn);
      const stitched = await stitchedWatershed(f, shape, grid, conn);
      const same = stitched.every((v, i) => v === whole[i]);
      if (cert.ok) {
        certified++;
        assert.ok(same, `trial ${t}: certified but not exact`);
      } else if (!same) wrongUncertified++;
      assert.ok(cert.ok === (cert.requiredHalo.every((h, a) => h <= grid.halo[a]!)), 'ok means the halo reaches the required halo');
    }
    assert.ok(certified >= 40, `${certified} certified grids`);
    assert.ok(wrongUncertified >= 20, `${wrongUncertified} uncertified grids went wrong`);
  });

  it('the halo the certificate asks for is exact, one voxel less is not (a 1 × 6 × 12 landscape, blocks of 6 along x)', async () => {
    const rand = mulberry32(22);
    const shape: Vec3 = [1, 6, 12];
    const f = Float32Array.from({ length: 72 }, () => Math.round(rand() * 1000));
    const bounds = box([0, 0, 0], shape);
    const whole = await stitchedWatershed(f, shape, new BlockGrid({ bounds, size: shape, halo: [0, 0, 0] }), 6);
    const deps = watershedDependencies(f, shape, { connectivity: 6 });
    const required = certifyWatershedHalo(deps, new BlockGrid({ bounds, size: [1, 6, 6], halo: [0, 0, 0] })).requiredHalo;
    assert.deepEqual(required, [0, 0, 3]);
    const at = new BlockGrid({ bounds, size: [1, 6, 6], halo: [0, 0, 3] });
    const below = new BlockGrid({ bounds, size: [1, 6, 6], halo: [0, 0, 2] });
    assert.deepEqual([certifyWatershedHalo(deps, at).ok, certifyWatershedHalo(deps, below).ok, certifyWatershedHalo(deps, below).blocksShort], [true, false, 1]);
    assert.deepEqual(await stitchedWatershed(f, shape, at, 6), whole);
    assert.notDeepEqual(await stitchedWatershed(f, shape, below, 6), whole);
  });
});
