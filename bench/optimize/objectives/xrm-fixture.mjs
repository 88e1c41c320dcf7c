// The XRM bench fixture: a synthetic test volume with known cells (tools/xrm-synth), a pixel
// classifier trained on a synthetic volume of another seed (tools/pixel-classifier train) and the
// test volume's class probabilities (pixel-classifier predict), made by the compiled tools called
// in process exactly as workflows/xrm/demo/synthetic-demo.mjs calls them. Built once and cached
// under bench/optimize/out/xrm-fixture-<key>/, the key naming every parameter that changes it;
// a directory counts as built only when its fixture.json (written last) exists. The key does not
// cover the tools' code: delete bench/optimize/out/xrm-fixture-* after changing xrm-synth or
// pixel-classifier.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const here = dirname(new URL(import.meta.url).pathname);
const root = resolve(here, '../../..');
const tool = (name) => require(join(root, 'tools', name, 'dist/main.js')).main;

/** Fixture defaults: the test and training volumes share shape and cell density, not their seed. */
export const XRM_FIXTURE_DEFAULTS = {
  /** Edge of the cubic volumes, voxels. */
  size: 128,
  /** Seed of the test volume (the one scored). */
  seed: 1,
  /** Seed of the training volume (the classifier never sees the test volume). */
  trainSeed: 1000,
  /** Cells per volume; null: xrm-synth's default density (one per 40,000 voxels). */
  cellCount: null,
  /** Mean semi-axis range of cells, `min,max` voxels; null: xrm-synth's default (6,9). */
  cellRadius: null,
  /** Darkening of cells below the background, `min,max`; null: xrm-synth's default (0.15,0.3). */
  cellContrast: null,
  /** Photons per unit intensity (shot noise); null: xrm-synth's default (80). */
  photons: null,
  /** Labelled voxels sampled for training, and trees: the workflow's (synthetic-check.cwl) defaults. */
  samples: 200000,
  trees: 32,
};

/** Runs a compiled tool's `main(args, io)` in process; returns its `name: value` metric lines as numbers. */
async function run(name, args) {
  const lines = [];
  const errors = [];
  try {
    await tool(name)(args, { out: (l) => lines.push(l), err: (l) => errors.push(l) });
  } catch (e) {
    throw new Error(`${name} ${args.join(' ')} failed: ${e.message ?? e}\n${errors.join('\n')}`, { cause: e });
  }
  return Object.fromEntries(lines.filter((l) => l.includes(': ')).map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
}

/**
 * The fixture for `options` (see {@link XRM_FIXTURE_DEFAULTS}), built if not cached: returns its
 * directory and its description (`fixture.json`: options, cell counts, classifier accuracy, build
 * seconds). Files: `image.npy`, `truth.json`, `probabilities.npy` (C, Z, Y, X; channel 1 = cell)
 * and `classifier.json`; the training volume's files are deleted once the classifier is trained.
 */
export async function xrmFixture(options = {}, log = (l) => console.log(l)) {
  const o = { ...XRM_FIXTURE_DEFAULTS, ...options };
  const key = `s${o.size}-c${o.cellCount ?? 'd'}-r${o.cellRadius ?? 'd'}-k${o.cellContrast ?? 'd'}-p${o.photons ?? 'd'}-seed${o.seed}-train${o.trainSeed}-n${o.samples}-t${o.trees}`;
  const dir = join(here, '..', 'out', `xrm-fixture-${key}`);
  const meta = join(dir, 'fixture.json');
  if (existsSync(meta)) return { dir, ...JSON.parse(readFileSync(meta, 'utf8')) };
  rmSync(dir, { recursive: true, force: true });
  const trainDir = join(dir, 'train');
  mkdirSync(trainDir, { recursive: true });
  const shape = `${o.size},${o.size},${o.size}`;
  const synth = (seed) => [
    '--shape',
    shape,
    '--seed',
    String(seed),
    ...(o.cellCount === null ? [] : ['--cell-count', String(o.cellCount)]),
    ...(o.cellRadius === null ? [] : ['--cell-radius', o.cellRadius]),
    ...(o.cellContrast === null ? [] : ['--cell-contrast', o.cellContrast]),
    ...(o.photons === null ? [] : ['--photons', String(o.photons)]),
  ];
  const t0 = performance.now();
  log(`xrm fixture ${key}: building (synthetic volumes, classifier, probabilities)`);
  const train = await run('xrm-synth', ['--image', join(trainDir, 'image.npy'), '--classes', join(trainDir, 'classes.npy'), ...synth(o.trainSeed)]);
  const t1 = performance.now();
  const trained = await run('pixel-classifier', ['train', '--image', join(trainDir, 'image.npy'), '--labels', join(trainDir, 'classes.npy'), '--model', join(dir, 'classifier.json'), '--samples', String(o.samples), '--trees', String(o.trees)]);
  const t2 = performance.now();
  const test = await run('xrm-synth', ['--image', join(dir, 'image.npy'), '--truth', join(dir, 'truth.json'), ...synth(o.seed)]);
  await run('pixel-classifier', ['predict', '--image', join(dir, 'image.npy'), '--model', join(dir, 'classifier.json'), '--output', join(dir, 'probabilities.npy')]);
  const t3 = performance.now();
  rmSync(trainDir, { recursive: true, force: true });
  const description = {
    key,
    options: o,
    trainCells: train.cells,
    testCells: test.cells,
    oobAccuracy: trained.oob_accuracy,
    seconds: { synthTrain: (t1 - t0) / 1000, train: (t2 - t1) / 1000, synthAndPredict: (t3 - t2) / 1000, total: (t3 - t0) / 1000 },
  };
  writeFileSync(meta, `${JSON.stringify(description, null, 2)}\n`);
  log(`xrm fixture ${key}: built in ${description.seconds.total.toFixed(0)} s (${test.cells} test cells, classifier oob accuracy ${trained.oob_accuracy})`);
  return { dir, ...description };
}
