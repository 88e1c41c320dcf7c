#!/usr/bin/env node
// The merger's full acceptance matrix (after `npm run build`): blockwise results stitched by
// @saber/blockmerge against the whole-volume result, on the synthetic 128×256×256 labelled
// volume and on ../shared/data/gala-train (boundary probability train-p1), 3 block sizes × 2
// halos each:
//   - connected components, 6- and 26-connected (halo 0: core-only outputs, adjacency matching;
//     halo 3: halo outputs, overlap matching);
//   - seeded watershed (σ 1 smoothing, regional minima, 6-connected flood), at the two halos
//     `h` and `h + 4` where `h` is the largest halo the certificate asks for at that block size.
// Each line: identical partition, VI split/merge (bits, @saber/imaging's scorer), ids 1..count.
// The tests (libs/blockmerge acceptance spec) run the CC matrix and one watershed block size.
// Last line: `acceptance: configs=N identical=N`.
import { join, resolve } from 'node:path';
import { connectedComponents } from '@saber/imaging';
import { openVolume } from '@saber/volume';
import {
  BlockGrid, certifyWatershedHalo, compareBlockwise, connectedComponentsBlock, memoryVolume, runBlocks, syntheticBoundaryProbability, syntheticSegmentation,
  watershedBlock, watershedDependencies, watershedLandscape, watershedMargin,
} from '@saber/blockmerge';

const root = resolve(new URL('../..', import.meta.url).pathname);
const box = (shape) => ({ start: [0, 0, 0], stop: shape });
let configs = 0;
let identical = 0;

function report(what, c) {
  configs++;
  if (c.identical && c.split === 0 && c.merge === 0 && c.uniqueIds) identical++;
  console.log(
    `${what.padEnd(58)} ${c.identical ? 'identical' : 'DIFFERENT'}  VI split ${c.split.toFixed(4)} merge ${c.merge.toFixed(4)}  ` +
      `ids ${c.uniqueIds ? `1..${c.count} unique` : 'NOT unique'} (whole ${c.wholeCount})  ${c.stitch.match}  blocks ${c.seconds.blocks.toFixed(1)} s, stitch ${c.seconds.stitch.toFixed(1)} s`,
  );
}

async function cc(name, mask, shape, sizes) {
  for (const connectivity of [6, 26]) {
    const whole = connectedComponents(mask, shape, { connectivity }).labels;
    for (const size of sizes) {
      for (const h of [0, 3]) {
        const grid = new BlockGrid({ bounds: box(shape), size, halo: [h, h, h] });
        const c = await compareBlockwise(memoryVolume(mask, shape), whole, grid, connectedComponentsBlock({ connectivity }), { keep: h ? 'halo' : 'core', connectivity });
        report(`${name} CC-${connectivity} blocks ${size.join('×')} halo ${h}`, c);
      }
    }
  }
}

async function ws(name, p, shape, sizes) {
  const fn = watershedBlock({ sigma: 1, connectivity: 6 });
  const whole = (await runBlocks(memoryVolume(p, shape), new BlockGrid({ bounds: box(shape), size: shape, halo: [0, 0, 0] }), fn))[0].labels;
  const deps = watershedDependencies(watershedLandscape(p, box(shape), box(shape), 1), shape, { connectivity: 6 });
  for (const size of sizes) {
    const required = certifyWatershedHalo(deps, new BlockGrid({ bounds: box(shape), size, halo: [0, 0, 0] })).requiredHalo;
    const h = Math.max(...required);
    for (const halo of [h, h + 4]) {
      const grid = new BlockGrid({ bounds: box(shape), size, halo: [halo, halo, halo] });
      if (!certifyWatershedHalo(deps, grid).ok) throw new Error(`${name}: halo ${halo} not certified`);
      const c = await compareBlockwise(memoryVolume(p, shape), whole, grid, fn, { margin: watershedMargin(1), match: 'overlap' });
      report(`${name} WS blocks ${size.join('×')} halo ${halo} (required ${required.join(',')})`, c);
    }
  }
}

const SYN = [128, 256, 256];
const syn = syntheticSegmentation(SYN);
await cc('synthetic', Uint8Array.from(syn.labels, (l) => (l ? 1 : 0)), SYN, [[64, 64, 64], [50, 100, 70], [128, 96, 160]]);
const store = await openVolume(`h5://${join(root, '../shared/data/gala-train/train-p1.lzf.h5')}`);
const p1 = await store.read();
const GALA = [...store.shape];
await store.close();
const GALA_SIZES = [[25, 50, 100], [16, 32, 64], [50, 40, 50]];
await cc('gala-train p<0.5', Uint8Array.from(p1, (v) => (v < 0.5 ? 1 : 0)), GALA, GALA_SIZES);
await ws('gala-train p1', p1, GALA, GALA_SIZES);
await ws('synthetic boundaries', syntheticBoundaryProbability(syn.labels, SYN), SYN, [[64, 64, 64], [50, 100, 70], [128, 96, 160]]);
console.log(`acceptance: configs=${configs} identical=${identical}`);
if (identical !== configs) process.exitCode = 1;
