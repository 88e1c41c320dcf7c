import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { connectedComponents, labelComponents, type Connectivity } from '@saber/imaging';
import {
  addTally, BlockGrid, box, buildSynapseGraph, certifyWatershedHalo, compareBlockwise, connectedComponentsBlock, cropBox, densityTable, labelDetections, memoryLabelSource,
  MemoryLabelSink, memoryVolume, mergeDetections, runBlocks, sortDetections, stitchLabels, syntheticBoundaryProbability, syntheticSegmentation, syntheticSynapses,
  synapseGraphFromEdges, tallyCore, watershedBlock, watershedDependencies, watershedLandscape, watershedMargin, type DensityTally, type Vec3,
} from '../index';
import { below, galaBoundaryProbability } from './fixtures';

/**
 * The acceptance matrix of the merger: blockwise results stitched by @saber/blockmerge equal
 * the whole-volume result (same partition, VI 0 both ways, ids 1..count). The watershed on
 * the full synthetic volume (3 block sizes × 2 halos) is in `bench/merge/acceptance.mjs`
 * (about a minute); here it runs on a 64×128×128 synthetic volume.
 */
describe('blockwise equals whole-volume', () => {
  const SYN: Vec3 = [128, 256, 256];
  const syn = syntheticSegmentation(SYN);
  const synMask = Uint8Array.from(syn.labels, (l) => (l ? 1 : 0));
  let gala: { data: Float32Array; shape: Vec3 };
  before(async () => {
    gala = await galaBoundaryProbability();
  });

  const expectIdentical = (c: Awaited<ReturnType<typeof compareBlockwise>>, what: string) => {
    assert.deepEqual({ identical: c.identical, split: c.split, merge: c.merge, uniqueIds: c.uniqueIds, count: c.count }, { identical: true, split: 0, merge: 0, uniqueIds: true, count: c.wholeCount }, what);
  };

  for (const connectivity of [6, 26] as Connectivity[]) {
    it(`connected components (${connectivity}-connected), synthetic 128×256×256 labels: 3 block sizes × halos 0 and 3, identical`, async () => {
      const whole = connectedComponents(synMask, SYN, { connectivity }).labels;
      for (const size of [[64, 64, 64], [50, 100, 70], [128, 96, 160]] as Vec3[]) {
        for (const h of [0, 3]) {
          const grid = new BlockGrid({ bounds: box([0, 0, 0], SYN), size, halo: [h, h, h] });
          const c = await compareBlockwise(memoryVolume(synMask, SYN), whole, grid, connectedComponentsBlock({ connectivity }), { keep: h ? 'halo' : 'core', connectivity });
          expectIdentical(c, `blocks ${size}, halo ${h}`);
          assert.equal(c.stitch.match, h ? 'overlap' : 'adjacency');
        }
      }
    });

    it(`connected components (${connectivity}-connected) of gala-train's cell interiors (p < 0.5): 3 block sizes × halos 0 and 3, identical`, async () => {
      const mask = below(gala.data, 0.5);
      const whole = connectedComponents(mask, gala.shape, { connectivity }).labels;
      for (const size of [[25, 50, 100], [16, 32, 64], [50, 40, 50]] as Vec3[]) {
        for (const h of [0, 3]) {
          const grid = new BlockGrid({ bounds: box([0, 0, 0], gala.shape), size, halo: [h, h, h] });
          expectIdentical(await compareBlockwise(memoryVolume(mask, gala.shape), whole, grid, connectedComponentsBlock({ connectivity }), { keep: h ? 'halo' : 'core', connectivity }), `blocks ${size}, halo ${h}`);
        }
      }
    });
  }

  it('seeded watershed of gala-train (σ 1, regional minima, 6-connected): 3 block sizes × halos h and h + 4 (h = the certificate’s), identical; halo 6, which it fails, is not', async () => {
    const fn = watershedBlock({ sigma: 1, connectivity: 6 });
    const margin = watershedMargin(1);
    const bounds = box([0, 0, 0], gala.shape);
    const whole = (await runBlocks(memoryVolume(gala.data, gala.shape), new BlockGrid({ bounds, size: gala.shape, halo: [0, 0, 0] }), fn))[0]!.labels as Uint32Array;
    const deps = watershedDependencies(watershedLandscape(gala.data, bounds, bounds, 1), gala.shape, { connectivity: 6 });
    const required = (size: Vec3) => certifyWatershedHalo(deps, new BlockGrid({ bounds, size, halo: [0, 0, 0] })).requiredHalo;
    assert.deepEqual([required([25, 50, 100]), required([16, 32, 64]), required([50, 40, 50])], [[19, 13, 14], [18, 16, 19], [0, 18, 20]]);
    for (const size of [[25, 50, 100], [16, 32, 64], [50, 40, 50]] as Vec3[]) {
      const h = Math.max(...required(size));
      for (const halo of [h, h + 4]) {
        const grid = new BlockGrid({ bounds, size, halo: [halo, halo, halo] });
        assert.equal(certifyWatershedHalo(deps, grid).ok, true);
        expectIdentical(await compareBlockwise(memoryVolume(gala.data, gala.shape), whole, grid, fn, { margin, match: 'overlap' }), `blocks ${size}, halo ${halo}`);
      }
    }
    const short = new BlockGrid({ bounds, size: [25, 50, 100], halo: [6, 6, 6] });
    assert.equal(certifyWatershedHalo(deps, short).ok, false);
    const c = await compareBlockwise(memoryVolume(gala.data, gala.shape), whole, short, fn, { margin, match: 'overlap' });
    assert.ok(c.merge > 0 && !c.identical, `halo 6: merge VI ${c.merge}`);
  });

  it('seeded watershed of a synthetic boundary map (64×128×128, σ 1): identical at two certified halos', async () => {
    const shape: Vec3 = [64, 128, 128];
    const small = syntheticSegmentation(shape);
    const p = syntheticBoundaryProbability(small.labels, shape);
    const bounds = box([0, 0, 0], shape);
    const fn = watershedBlock({ sigma: 1, connectivity: 6 });
    const whole = (await runBlocks(memoryVolume(p, shape), new BlockGrid({ bounds, size: shape, halo: [0, 0, 0] }), fn))[0]!.labels as Uint32Array;
    const deps = watershedDependencies(watershedLandscape(p, bounds, bounds, 1), shape, { connectivity: 6 });
    for (const h of [16, 20]) {
      const grid = new BlockGrid({ bounds, size: [32, 64, 64], halo: [h, h, h] });
      assert.equal(certifyWatershedHalo(deps, grid).ok, true, `halo ${h} certified`);
      expectIdentical(await compareBlockwise(memoryVolume(p, shape), whole, grid, fn, { margin: watershedMargin(1), match: 'overlap' }), `halo ${h}`);
    }
  });

  it('cell detections kept by core ownership are the whole volume’s, each once (synthetic, 3 block sizes, halo 16 ≥ the largest cell’s reach)', async () => {
    const cells = connectedComponents(syn.cellMask, SYN, { connectivity: 26 });
    const expected = sortDetections(labelDetections(cells.labels, box([0, 0, 0], SYN)));
    assert.ok(expected.length > 300, `${expected.length} cells`);
    for (const size of [[64, 64, 64], [50, 100, 70], [128, 96, 160]] as Vec3[]) {
      const grid = new BlockGrid({ bounds: box([0, 0, 0], SYN), size, halo: [16, 16, 16] });
      const perBlock: Array<{ block: number; detections: ReturnType<typeof labelDetections> }> = [];
      await runBlocks(memoryVolume(syn.cellMask, SYN), grid, connectedComponentsBlock({ connectivity: 26 }), {
        onBlock: (block, r) => void perBlock.push({ block: block.index, detections: labelDetections(r.labels as Uint32Array, r.box) }),
      });
        const pick = (d: { z: number; y: number; x: number; voxels: number }) => [d.z, d.y, d.x, d.voxels];
      assert.deepEqual((await mergeDetections(grid, perBlock)).map(pick), expected.map(pick), `blocks ${size}`);
    }
  });

  it('the synapse graph from blocks (pre/post through the global ids) is the whole volume’s; densities from block tallies are the whole volume’s', async () => {
    const seg = labelComponents(syn.labels, SYN, { connectivity: 6 });
    const grid = new BlockGrid({ bounds: box([0, 0, 0], SYN), size: [64, 100, 128], halo: [2, 2, 2] });
    const perBlock: Array<{ block: number; synapses: ReturnType<typeof syntheticSynapses> }> = [];
    const results = await runBlocks(memoryVolume(syn.labels, SYN), grid, (input, _b, block) => labelComponents(input, [block.halo.stop[0] - block.halo.start[0], block.halo.stop[1] - block.halo.start[1], block.halo.stop[2] - block.halo.start[2]], { connectivity: 6 }).labels);
    results.forEach((r, b) => perBlock.push({ block: b, synapses: syntheticSynapses(r.labels as Uint32Array, r.box, SYN) }));
    const sink = new MemoryLabelSink();
    const stitch = await stitchLabels(grid, memoryLabelSource(results), sink);
    assert.deepEqual(sink.labels, seg.labels);
    const graph = await buildSynapseGraph(grid, perBlock, stitch.globalId);
    const expected = synapseGraphFromEdges(syntheticSynapses(seg.labels, box([0, 0, 0], SYN), SYN));
    assert.ok(expected.edges.length > 100, `${expected.edges.length} edges`);
    assert.deepEqual(graph, expected);

    const layer = (z: number) => 1 + (z >> 5);
    const neurites = Uint8Array.from(syn.labels, (l, i) => (l && !syn.cellMask[i] ? 1 : 0));
    const cells = sortDetections(labelDetections(connectedComponents(syn.cellMask, SYN, { connectivity: 26 }).labels, box([0, 0, 0], SYN)));
    const total: DensityTally = new Map();
    for (let b = 0; b < grid.total; b++) {
      const { core } = grid.block(b);
      const regions = cropBox(Uint8Array.from({ length: SYN[0] }, (_, z) => layer(z)), box([0, 0, 0], [SYN[0], 1, 1]), box([core.start[0], 0, 0], [core.stop[0], 1, 1]));
      const coreRegions = new Uint8Array((core.stop[0] - core.start[0]) * (core.stop[1] - core.start[1]) * (core.stop[2] - core.start[2])).map((_, i) => regions[Math.floor(i / ((core.stop[1] - core.start[1]) * (core.stop[2] - core.start[2])))]!);
      addTally(total, tallyCore(core, { regions: coreRegions, foreground: cropBox(neurites, box([0, 0, 0], SYN), core), detections: cells.filter((d) => grid.indexOf(Math.floor(d.z + 0.5), Math.floor(d.y + 0.5), Math.floor(d.x + 0.5)) === b) }));
    }
    const wholeRegions = new Uint8Array(syn.labels.length).map((_, i) => layer(Math.floor(i / (SYN[1] * SYN[2]))));
    assert.deepEqual(densityTable(total), densityTable(tallyCore(box([0, 0, 0], SYN), { regions: wholeRegions, foreground: neurites, detections: cells })));
    assert.equal(total.size, 4);
  });
});
