#!/usr/bin/env node
// ISBI 2012 acceptance check of the pixel classifier (build first: npx tsc -b tools/pixel-classifier).
// Trains on slices 0-19 of ../shared/data/isbi2012 (membrane = class 1, interior = class 2, 2-D
// ilastik features at scales 0.7-10, class-balanced samples), predicts slices 20-29, and reports:
//   pixel_f1 / precision / recall of the membrane class (argmax), and
//   adapted_rand: the foreground-restricted adapted Rand error (CREMI adapted_rand; ground-truth
//   membrane pixels are ignored) of a per-slice segmentation of the membrane probability
//   (Gaussian sigma 1; watershed seeded by the 4-connected components of {p < SEED}; mean-boundary
//   agglomeration up to THETA), against the 4-connected components of the ground-truth interior.
// SEED and THETA come from a held-out check: train on 0-14, pick them on 15-19 from a small grid,
// then train on 0-19 and test on 20-29 with the picked values (test slices are used once).
// Usage: node tools/pixel-classifier/eval/isbi2012.mjs [DATA_DIR] [--quick]
// Last line: `isbi2012: pixel_f1=... adapted_rand=...`.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../../..', import.meta.url).pathname);
const { main } = require(join(root, 'tools/pixel-classifier/dist/main.js'));
const im = require('@saber/imaging');
const { openVolume } = require('@saber/volume');

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const data = resolve(args.find((a) => !a.startsWith('--')) ?? join(root, '../shared/data/isbi2012'));
const work = mkdtempSync(join(tmpdir(), 'isbi2012-'));
const image = `png://${join(data, 'image')}`;
const label = `png://${join(data, 'label')}`;
const featureArgs = (process.env.ISBI_FEATURES ?? `--dims 2 --scales ${quick ? '1,3.5' : '0.7,1,1.6,3.5,5,10'}`).split(' ');
const forestArgs = (process.env.ISBI_FOREST ?? `--samples ${quick ? 50000 : 200000} --trees ${quick ? 8 : 32} --balanced`).split(' ');

async function tool(argv) {
  const lines = [];
  await main(argv, { out: (l) => lines.push(l), err: (l) => process.stderr.write(`${l}\n`) });
  return Object.fromEntries(lines.map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
}

/** Membrane probability (class 1) of slices [a, b) from a model trained on [t0, t1). */
async function membraneProbability(t0, t1, a, b) {
  const model = join(work, `model-${t0}-${t1}.json`);
  const out = join(work, `membrane-${a}-${b}.npy`);
  const trained = await tool(['train', '--image', image, '--labels', label, '--label-map', '0:1,255:2', '--slices', `${t0}:${t1}`, '--model', model, ...featureArgs, ...forestArgs]);
  const scored = await tool(['predict', '--image', image, '--model', model, '--slices', `${a}:${b}`, '--class', '1', '--output', out, '--groundtruth', label, '--label-map', '0:1,255:2', '--positive', '1']);
  const store = await openVolume(`npy://${out}`);
  const prob = await store.read();
  await store.close();
  return { prob, shape: store.shape, trained, scored };
}

async function truth(a, b) {
  const store = await openVolume(label);
  const raw = await store.read({ start: [a, 0, 0], stop: [b, store.shape[1], store.shape[2]] });
  await store.close();
  return raw;
}

const SIGMA = 1;

/** Per slice: smoothed probability and its watershed from the seeds {p < seed}. */
function oversegment(prob, shape, seed) {
  const [Z, Y, X] = shape;
  const slices = [];
  for (let z = 0; z < Z; z++) {
    const s = [1, Y, X];
    const smooth = im.gaussianFilter(prob.subarray(z * Y * X, (z + 1) * Y * X), s, [0, SIGMA, SIGMA]);
    const seeds = im.thresholdSeeds(smooth, s, seed, { connectivity: 6 });
    slices.push({ smooth, ws: im.seededWatershed(smooth, s, seeds.labels, { connectivity: 6 }), count: seeds.count });
  }
  return slices;
}

/** Agglomerates each slice up to theta (theta < 0: the watershed alone); ids unique over the stack. */
function segment(slices, shape, theta) {
  const [, Y, X] = shape;
  const out = new Uint32Array(slices.length * Y * X);
  let offset = 0;
  slices.forEach(({ smooth, ws, count }, z) => {
    const seg = theta < 0 ? ws : im.agglomerateMeanBoundary(ws, [1, Y, X], smooth, theta).labels;
    for (let i = 0; i < seg.length; i++) out[z * Y * X + i] = seg[i] === 0 ? 0 : seg[i] + offset;
    offset += count;
  });
  return out;
}

/** 4-connected components of the interior (255) per slice, ids unique over the stack. */
function groundTruthSegments(raw, shape) {
  const [Z, Y, X] = shape;
  const out = new Uint32Array(raw.length);
  let offset = 0;
  for (let z = 0; z < Z; z++) {
    const fg = Uint8Array.from(raw.subarray(z * Y * X, (z + 1) * Y * X), (v) => (v === 255 ? 1 : 0));
    const cc = im.connectedComponents(fg, [1, Y, X], { connectivity: 6 });
    for (let i = 0; i < cc.labels.length; i++) out[z * Y * X + i] = cc.labels[i] === 0 ? 0 : cc.labels[i] + offset;
    offset += cc.count;
  }
  return out;
}

try {
  const t0 = performance.now();
  const grid = { seed: [0.05, 0.1, 0.2], theta: [0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75] };
  let best = { seed: 0.1, theta: 0.65, error: NaN };
  if (!quick) {
    const held = await membraneProbability(0, 15, 15, 20);
    const gt = groundTruthSegments(await truth(15, 20), held.shape);
    best = { error: Infinity };
    for (const seed of grid.seed) {
      const slices = oversegment(held.prob, held.shape, seed);
      for (const theta of grid.theta) {
        const { error } = im.adaptedRand(segment(slices, held.shape, theta), gt);
        console.log(`held-out 15-19: seed ${seed} theta ${theta} adapted_rand ${error.toFixed(4)}`);
        if (error < best.error) best = { seed, theta, error };
      }
    }
    console.log(`picked seed ${best.seed} theta ${best.theta} (held-out adapted_rand ${best.error.toFixed(4)})`);
  }
  const test = await membraneProbability(0, 20, 20, 30);
  const gt = groundTruthSegments(await truth(20, 30), test.shape);
  const slices = oversegment(test.prob, test.shape, best.seed);
  const ar = im.adaptedRand(segment(slices, test.shape, best.theta), gt);
  const wsOnly = im.adaptedRand(segment(slices, test.shape, -1), gt);
  const s = test.scored;
  console.log(`train 0-19: ${test.trained.training_samples} samples, ${test.trained.features} features, oob_accuracy ${test.trained.oob_accuracy}, ${test.trained.train_seconds.toFixed(1)} s`);
  console.log(`test 20-29: membrane pixel precision ${s.pixel_precision} recall ${s.pixel_recall} F1 ${s.pixel_f1}; accuracy ${s.pixel_accuracy}; ${s.predict_seconds.toFixed(1)} s`);
  console.log(`test 20-29: adapted Rand error ${ar.error.toFixed(4)} (precision ${ar.precision.toFixed(4)}, recall ${ar.recall.toFixed(4)}); watershed alone ${wsOnly.error.toFixed(4)}; seed ${best.seed} theta ${best.theta}`);
  console.log(`isbi2012: pixel_f1=${s.pixel_f1} adapted_rand=${ar.error.toFixed(4)} seconds=${((performance.now() - t0) / 1000).toFixed(0)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
