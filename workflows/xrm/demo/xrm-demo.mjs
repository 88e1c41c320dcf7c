#!/usr/bin/env node
// The XRM demo (`npm run demo`; build first, which `npm run demo` does): the canonical XRM
// pipeline on a synthetic volume, as a block sweep, embedded (no servers).
//   1. xrm-synth: a training volume (seed 1000) and the demo volume (seed 1, 256³ by default),
//      both with ground truth;
//   2. pixel-classifier train on the training volume (background / cell / vessel; a small
//      feature set, the demo's `CLASSIFIER` below);
//   3. `saber deploy workflows/xrm/xrm-block.cwl job.yml --sweep workflows/xrm/sweep.yml`: one run
//      per block (2 × 2 × 2 blocks of 128³ with a halo of 24), then the merger: cells (JSON and
//      CSV, each counted once), vessels (one label volume, zarr and Neuroglancer precomputed),
//      densities (the blocks' tallies added up);
//   4. cell-score: cell F1 (xbrain protocol, template size 14) and vessel Dice against the truth.
// `--one-block` also runs the same workflow as a single block covering the volume and compares:
// the cell lists, the vessel masks and the scores.
// Usage: node workflows/xrm/demo/xrm-demo.mjs [--size 256] [--block 128] [--halo 24] [--seed 1]
//          [--train-seed 1000] [--train-size 128] [--out tmp/xrm-demo] [--one-block]
// Last line: `xrm-demo: size=... blocks=... cells=... f1=... dice=... seconds=...`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const yaml = require('js-yaml');
const { openVolume } = require(join(root, 'libs/volume/dist/index.js'));
const tool = (name) => require(join(root, 'tools', name, 'dist/main.js')).main;

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const size = Number(flag('size', 256));
const block = Number(flag('block', 128));
const halo = Number(flag('halo', 24));
const seed = Number(flag('seed', 1));
const trainSeed = Number(flag('train-seed', 1000));
const trainSize = Number(flag('train-size', 128));
const out = resolve(root, flag('out', 'tmp/xrm-demo'));
const oneBlock = argv.includes('--one-block');
/** The demo's classifier: 11 features (raw; Gaussian, Laplacian and Hessian eigenvalues, by central differences, at σ 1 and 2.5), 4 trees. */
const CLASSIFIER = ['--scales', '1,2.5', '--features', 'gaussian,laplacian,hessian', '--derivatives', 'differences', '--trees', '4', '--max-depth', '12'];
/** The scoring protocol of workflows/xrm/README.md: matching distance and border margin = the template size. */
const TEMPLATE_SIZE = 14;

async function run(name, args) {
  const lines = [];
  try {
    await tool(name)(args, { out: (l) => lines.push(l), err: (l) => process.stderr.write(`${l}\n`) });
  } catch (e) {
    throw new Error(`${name} ${args.join(' ')} failed: ${e.stack ?? e}`);
  }
  return Object.fromEntries(lines.filter((l) => l.includes(': ')).map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
}

const t0 = performance.now();
const seconds = (from) => ((performance.now() - from) / 1000).toFixed(1);
mkdirSync(out, { recursive: true });
const path = (name) => join(out, name);

let t = performance.now();
await run('xrm-synth', ['--image', path('train-image.npy'), '--classes', path('train-classes.npy'), '--shape', `${trainSize},${trainSize},${trainSize}`, '--seed', String(trainSeed)]);
const trained = await run('pixel-classifier', ['train', '--image', path('train-image.npy'), '--labels', path('train-classes.npy'), '--model', path('classifier.json'), ...CLASSIFIER]);
console.log(`classifier: trained on a ${trainSize}³ synthetic volume (seed ${trainSeed}), ${trained.features} features, out-of-bag accuracy ${trained.oob_accuracy.toFixed(3)} (${seconds(t)} s)`);
t = performance.now();
const synth = await run('xrm-synth', ['--image', path('image.npy'), '--vessels', path('vessels-truth.npy'), '--truth', path('truth.json'), '--shape', `${size},${size},${size}`, '--seed', String(seed)]);
console.log(`volume: ${size}³ synthetic XRM (seed ${seed}), ${synth.cells} cells, vessel fraction ${synth.vessel_fraction.toFixed(4)} → ${path('image.npy')} (${seconds(t)} s)`);

writeFileSync(path('job.yml'), yaml.dump({ image: { class: 'File', path: 'image.npy' }, classifier: { class: 'File', path: 'classifier.json' } }));
/** The committed sweep file, its bounds set to this volume's size. */
function sweepFile(name, blockSize, haloSize) {
  const sweep = yaml.load(readFileSync(join(root, 'workflows/xrm/sweep.yml'), 'utf8'));
  sweep.block.bounds = { stop: [size, size, size] };
  sweep.block.size = [blockSize, blockSize, blockSize];
  sweep.block.halo = [haloSize, haloSize, haloSize];
  writeFileSync(path(name), yaml.dump(sweep, { flowLevel: 2 }));
  return path(name);
}

/** Runs the block sweep with `saber deploy` (embedded) and returns the merged results by output name. */
function deploy(sweep, home) {
  const started = performance.now();
  const r = spawnSync(
    process.execPath,
    [join(root, 'apps/saber/bin/saber.js'), 'deploy', join(root, 'workflows/xrm/xrm-block.cwl'), path('job.yml'), '--sweep', sweep, '--no-progress', '--home', home],
    { encoding: 'utf8', cwd: root, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (r.status !== 0) throw new Error(`saber deploy failed (exit ${r.status}); its messages are above`);
  const result = JSON.parse(r.stdout);
  const merged = Object.fromEntries(result.merged.flatMap((m) => m.results).map((m) => [m.output, m]));
  return { blocks: result.total, merged, seconds: (performance.now() - started) / 1000, toolSeconds: result.costSeconds };
}

async function score(result, tag) {
  const cells = fileURLToPath(result.merged.cells.uri);
  const s = await run('cell-score', ['--detections', cells, '--truth', path('truth.json'), '--template-size', String(TEMPLATE_SIZE), '--shape', `${size},${size},${size}`, '--vessels', result.merged.vessels.uri, '--vessel-truth', path('vessels-truth.npy')]);
  const densities = JSON.parse(readFileSync(fileURLToPath(result.merged.densities.uri), 'utf8')).regions;
  console.log(
    `${tag}: ${result.blocks} block(s) in ${result.seconds.toFixed(1)} s (${result.toolSeconds.toFixed(1)} tool-seconds); ` +
      `${result.merged.cells.count} cells, ${result.merged.vessels.count} vessel components; ` +
      `cell F1 ${s.F1.toFixed(3)} (precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}, ${s.truth} true cells inside the border), vessel Dice ${s.vessel_dice.toFixed(3)}`,
  );
  return { ...s, densities };
}

const sweep = deploy(sweepFile('sweep.yml', block, halo), path('home'));
const scores = await score(sweep, 'block sweep');
const f = sweep.merged;
console.log(`cells:     ${fileURLToPath(f.cells.files.csv)} (and .json)`);
console.log(`vessels:   ${f.vessels.files.zarr}, ${f.vessels.files.precomputed}`);
console.log(`densities: ${fileURLToPath(f.densities.uri)}`);
for (const r of scores.densities) {
  console.log(`  region ${r.region}: ${r.detections} cells in ${r.voxels} voxels (${(r.detectionsPerVoxel * 1e6).toFixed(1)} per million voxels), vessel fraction ${r.volumeFraction.toFixed(4)}`);
}

let same = '';
if (oneBlock) {
  const whole = deploy(sweepFile('sweep-one-block.yml', size, 0), path('home-one-block'));
  const wholeScores = await score(whole, 'one block');
  const cellsOf = (r) => JSON.parse(readFileSync(fileURLToPath(r.merged.cells.uri), 'utf8')).detections.map((d) => `${d.z},${d.y},${d.x}`).sort();
  const a = cellsOf(sweep);
  const b = new Set(cellsOf(whole));
  const common = a.filter((c) => b.has(c)).length;
  const maskOf = async (r) => {
    const v = await openVolume(r.merged.vessels.uri);
    const data = await v.read();
    await v.close();
    return data;
  };
  const [m1, m2] = [await maskOf(sweep), await maskOf(whole)];
  let differ = 0;
  for (let i = 0; i < m1.length; i++) if ((m1[i] !== 0) !== (m2[i] !== 0)) differ++;
  console.log(`one block vs ${sweep.blocks} blocks: ${common} of ${a.length} / ${b.size} cells at the same position; vessel masks differ in ${differ} of ${m1.length} voxels; F1 ${wholeScores.F1.toFixed(3)} vs ${scores.F1.toFixed(3)}, Dice ${wholeScores.vessel_dice.toFixed(3)} vs ${scores.vessel_dice.toFixed(3)}`);
  same = ` one_block_f1=${wholeScores.F1.toFixed(3)} one_block_dice=${wholeScores.vessel_dice.toFixed(3)} same_cells=${common}/${a.length}/${b.size} mask_differ=${differ}`;
}
console.log(`xrm-demo: size=${size} blocks=${sweep.blocks} cells=${f.cells.count} f1=${scores.F1.toFixed(3)} dice=${scores.vessel_dice.toFixed(3)} sweep_seconds=${sweep.seconds.toFixed(1)}${same} seconds=${seconds(t0)}`);
