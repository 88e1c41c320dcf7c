#!/usr/bin/env node
// Synthetic check of the canonical XRM workflow (build first: npm run build).
//   1. A training volume (tools/xrm-synth, --train-seed, default 1000) and a classifier trained on
//      its ground truth (pixel-classifier train: background / cell / vessel).
//   2. For every test seed (default 1,2,3): a fresh synthetic volume, the workflow run with its
//      default parameters (workflows/xrm/xrm.cwl), and the results scored against the truth:
//      cell centroid F1 (tools/cell-score, template size = the workflow's initial_template_size)
//      and vessel Dice.
// --runner saber (default) runs the workflow embedded (`saber run`); --runner tools calls the tools
// in this process with the workflow's defaults (faster, same programs). --prepare writes the
// volumes and the classifier only (what workflows/xrm/job.yml points at).
// Usage: node workflows/xrm/demo/synthetic-demo.mjs [--size 128] [--seeds 1,2,3] [--train-seed 1000]
//          [--runner saber|tools] [--out tmp/xrm-demo] [--prepare] [--set name=value ...]
// Last line: `xrm-demo: size=... seeds=... f1=... dice=...` (per seed, then the means).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../../..', import.meta.url).pathname);
const yaml = require('js-yaml');
const tool = (name) => require(join(root, 'tools', name, 'dist/main.js')).main;

const argv = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const size = Number(flag('size', 128));
const seeds = flag('seeds', '1,2,3').split(',').map(Number);
const trainSeed = Number(flag('train-seed', 1000));
const runner = flag('runner', 'saber');
const out = resolve(root, flag('out', 'tmp/xrm-demo'));
const prepareOnly = argv.includes('--prepare');
const overrides = Object.fromEntries(argv.flatMap((a, i) => (a === '--set' ? [argv[i + 1].split('=')] : [])).map(([k, v]) => [k, Number(v)]));
const shape = `${size},${size},${size}`;

async function run(name, args) {
  const lines = [];
  const code = await (async () => {
    try {
      await tool(name)(args, { out: (l) => lines.push(l), err: (l) => process.stderr.write(`${l}\n`) });
      return 0;
    } catch (e) {
      process.stderr.write(`${name}: ${e.stack ?? e}\n`);
      return 1;
    }
  })();
  if (code !== 0) throw new Error(`${name} ${args.join(' ')} failed`);
  return Object.fromEntries(lines.filter((l) => l.includes(': ')).map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
}

const workflow = yaml.load(readFileSync(join(root, 'workflows/xrm/xrm.cwl'), 'utf8'));
const defaults = { ...Object.fromEntries(Object.entries(workflow.inputs).filter(([, v]) => v.default !== undefined).map(([k, v]) => [k, v.default])), ...overrides };

mkdirSync(out, { recursive: true });
const t0 = performance.now();
const trainDir = join(out, 'train');
mkdirSync(trainDir, { recursive: true });
const classifier = join(out, 'classifier.json');
const synthTrain = await run('xrm-synth', ['--image', join(trainDir, 'image.npy'), '--classes', join(trainDir, 'classes.npy'), '--shape', shape, '--seed', String(trainSeed)]);
const trained = await run('pixel-classifier', ['train', '--image', join(trainDir, 'image.npy'), '--labels', join(trainDir, 'classes.npy'), '--model', classifier]);
console.log(`training volume seed ${trainSeed}: ${synthTrain.cells} cells, vessel fraction ${synthTrain.vessel_fraction}; classifier: ${trained.features} features, oob accuracy ${trained.oob_accuracy}, ${trained.train_seconds.toFixed(1)} s`);

const results = [];
for (const seed of seeds) {
  const dir = join(out, `seed-${seed}`);
  mkdirSync(dir, { recursive: true });
  const synth = await run('xrm-synth', ['--image', join(dir, 'image.npy'), '--cells', join(dir, 'cells.npy'), '--vessels', join(dir, 'vessels.npy'), '--truth', join(dir, 'truth.json'), '--shape', shape, '--seed', String(seed)]);
  const job = { image: { class: 'File', path: 'image.npy' }, classifier: { class: 'File', path: relative(dir, classifier) }, ...overrides };
  writeFileSync(join(dir, 'job.yml'), yaml.dump(job));
  if (prepareOnly) continue;
  const t1 = performance.now();
  let cellsFile;
  let vesselsFile;
  if (runner === 'saber') {
    const r = spawnSync(process.execPath, [join(root, 'apps/saber/bin/saber.js'), 'run', '--no-progress', '--no-catalog', join(root, 'workflows/xrm/xrm.cwl'), join(dir, 'job.yml')], { encoding: 'utf8', cwd: root, maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`saber run failed (${r.status}):\n${r.stderr.slice(-3000)}`);
    const start = r.stdout.indexOf('{');
    const outputs = JSON.parse(r.stdout.slice(start, r.stdout.lastIndexOf('}') + 1));
    cellsFile = outputs.cells.path;
    vesselsFile = outputs.vessels.path;
  } else {
    const prob = join(dir, 'probabilities.npy');
    cellsFile = join(dir, 'detections.json');
    vesselsFile = join(dir, 'vessel_mask.npy');
    await run('pixel-classifier', ['predict', '--image', join(dir, 'image.npy'), '--model', classifier, '--output', prob]);
    await run('cell-detect', ['--input', prob, '--channel', String(defaults.cell_channel), '--output', cellsFile, '--threshold', String(defaults.threshold), '--stop', String(defaults.stop), '--initial-template-size', String(defaults.initial_template_size), '--dilation', String(defaults.dilation), '--max-cells', String(defaults.max_cells)]);
    await run('vessel-segment', ['--input', prob, '--channel', String(defaults.vessel_channel), '--output', vesselsFile, '--threshold', String(defaults.vessel_threshold), '--dilation', String(defaults.vessel_dilation), '--minimum', String(defaults.vessel_minimum)]);
  }
  const seconds = (performance.now() - t1) / 1000;
  const s = await run('cell-score', ['--detections', cellsFile, '--truth', join(dir, 'truth.json'), '--template-size', String(defaults.initial_template_size), '--vessels', vesselsFile, '--vessel-truth', join(dir, 'vessels.npy')]);
  results.push({ seed, f1: s.F1, dice: s.vessel_dice });
  console.log(`seed ${seed}: ${synth.cells} cells, vessel fraction ${synth.vessel_fraction.toFixed(4)}; cell F1 ${s.F1} (precision ${s.precision}, recall ${s.recall}, ${s.predicted} predicted / ${s.truth} true inside the border); vessel Dice ${s.vessel_dice}; ${runner} ${seconds.toFixed(1)} s`);
}
if (prepareOnly) console.log(`prepared ${out}: classifier.json and seed-*/job.yml (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
else {
  const mean = (k) => results.reduce((a, r) => a + r[k], 0) / results.length;
  const per = (k) => results.map((r) => r[k].toFixed(3)).join(',');
  console.log(`xrm-demo: size=${size} seeds=${seeds.join(',')} f1=${per('f1')} dice=${per('dice')} mean_f1=${mean('f1').toFixed(3)} mean_dice=${mean('dice').toFixed(3)} seconds=${((performance.now() - t0) / 1000).toFixed(0)}`);
}
