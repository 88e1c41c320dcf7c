#!/usr/bin/env node
// Quick single-threaded timing of the @saber/imaging kernels on 128^3 volumes (or SIZE^3).
// Build first: `npx tsc -b libs/imaging && node libs/imaging/bench/time-kernels.mjs [SIZE]`.
// Each kernel runs once on a 32^3 volume to warm up, then REPS times on the real size; the
// best time is reported as MVox/s (million input voxels per second). Last line: a summary.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const im = require('../dist/index.js');
const size = Number(process.argv[2] ?? 128);
const REPS = Number(process.env.REPS ?? 3);

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function inputs(s) {
  const shape = [s, s, s];
  const n = s * s * s;
  const rand = rng(1);
  const noise = Float32Array.from({ length: n }, () => rand());
  const smooth = im.gaussianFilter(noise, shape, 2); // blobby landscape, values near 0.5
  const blobs = Uint8Array.from(smooth, (v) => (v > 0.5 ? 1 : 0));
  const noiseMask = Uint8Array.from(noise, (v) => (v > 0.5 ? 1 : 0));
  const seeds = im.regionalMinimaSeeds(smooth, shape).labels;
  const ws = im.seededWatershed(smooth, shape, seeds);
  const ws2 = im.seededWatershed(smooth, shape, im.thresholdSeeds(smooth, shape, 0.47).labels);
  return { shape, n, noise, smooth, blobs, noiseMask, seeds, ws, ws2 };
}

const cases = [
  ['connectedComponents blobs 26', (d) => im.connectedComponents(d.blobs, d.shape, { connectivity: 26 })],
  ['connectedComponents blobs 6', (d) => im.connectedComponents(d.blobs, d.shape, { connectivity: 6 })],
  ['connectedComponents noise 26', (d) => im.connectedComponents(d.noiseMask, d.shape, { connectivity: 26 })],
  ['labelComponents watershed 6', (d) => im.labelComponents(d.ws, d.shape, { connectivity: 6 })],
  ['distanceTransform', (d) => im.distanceTransform(d.blobs, d.shape)],
  ['distanceTransform aniso', (d) => im.distanceTransform(d.blobs, d.shape, { sampling: [40, 4, 4] })],
  ['regionalMinimaSeeds 26', (d) => im.regionalMinimaSeeds(d.smooth, d.shape)],
  ['thresholdSeeds 26', (d) => im.thresholdSeeds(d.smooth, d.shape, 0.47)],
  ['seededWatershed 6', (d) => im.seededWatershed(d.smooth, d.shape, d.seeds, { connectivity: 6 })],
  ['seededWatershed 26', (d) => im.seededWatershed(d.smooth, d.shape, d.seeds, { connectivity: 26 })],
  ['gaussianFilter sigma 1', (d) => im.gaussianFilter(d.noise, d.shape, 1)],
  ['gaussianFilter sigma 3', (d) => im.gaussianFilter(d.noise, d.shape, 3)],
  ['gaussianGradientMagnitude sigma 1', (d) => im.gaussianGradientMagnitude(d.noise, d.shape, 1)],
  ['binaryErosion r 3', (d) => im.binaryErosion(d.blobs, d.shape, 3)],
  ['binaryDilation r 10', (d) => im.binaryDilation(d.blobs, d.shape, 10)],
  ['greyErosion r 1', (d) => im.greyErosion(d.noise, d.shape, 1)],
  ['greyErosion r 3', (d) => im.greyErosion(d.noise, d.shape, 3)],
  ['variationOfInformation', (d) => im.variationOfInformation(d.ws, d.ws2)],
  ['adaptedRand', (d) => im.adaptedRand(d.ws, d.ws2)],
  ['contingency dense', (d) => im.contingencyTable(d.ws, d.ws2, { strategy: 'dense' })],
  ['contingency map', (d) => im.contingencyTable(d.ws, d.ws2, { strategy: 'map' })],
  ['dice', (d) => im.dice(d.blobs, d.noiseMask)],
  ['ballSum r 8.5', (d) => im.ballSum(d.noise, d.shape, 8.5)],
  ['sphereNcc r 5.5', (d) => im.sphereNcc(d.noise, d.shape, 5.5)],
  ['detectCells t 18', (d) => im.detectCells(d.smooth, d.shape, { threshold: 0.5, stop: 0.52 })],
  ['featureStack 3 scales', (d) => im.featureStack(d.noise, d.shape, { scales: [1, 2, 4] })],
];

const only = process.env.ONLY;
const warm = inputs(32);
const data = inputs(size);
const counts = {
  blobs: im.connectedComponents(data.blobs, data.shape).count,
  minima: data.seeds.reduce((a, b) => Math.max(a, b), 0),
  ws: data.ws.reduce((a, b) => Math.max(a, b), 0),
  ws2: data.ws2.reduce((a, b) => Math.max(a, b), 0),
};
console.log(`volume ${size}^3 = ${data.n} voxels; blobs ${counts.blobs} components; ${counts.minima} regional minima; label volumes with ${counts.ws} and ${counts.ws2} labels`);
const summary = [];
for (const [name, fn] of cases) {
  if (only && !name.includes(only)) continue;
  fn(warm);
  let best = Infinity;
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    fn(data);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const mvox = data.n / best / 1e3;
  console.log(`${name.padEnd(36)} ${best.toFixed(1).padStart(8)} ms ${mvox.toFixed(1).padStart(8)} MVox/s`);
  summary.push(`${name.replace(/ /g, '_')}=${mvox.toFixed(1)}`);
}
console.log(`imaging: size=${size} ${summary.join(' ')}`);
