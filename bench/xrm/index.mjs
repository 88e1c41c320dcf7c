#!/usr/bin/env node
// bench:xrm — throughput of the canonical XRM pipeline (issue 5) in MVox/s on synthetic volumes of
// 256³ and 512×512×256 (z × y × x = 256 × 512 × 512):
//   saber:     `saber deploy workflows/xrm/xrm-block.cwl` embedded, one block per core with a
//              halo of 24 (BENCH_XRM_BLOCK below), every block a run of 4 tool processes, then
//              the merger; wall time from the command's start to its exit, services' start-up
//              included;
//   baseline:  in the same run, the same four tools called one after the other in this process
//              on the whole volume (one thread), as a script without SABER would.
// The classifier is the demo's (11 features with central-difference Hessians, 4 trees, trained on a
// 128³ volume of seed 1000).
// Volumes and the classifier are made once and kept under tmp/bench-xrm/.
// BENCH_XRM_SIZES=256,512 picks sizes (default both); BENCH_XRM_BASELINE=0 skips the baseline;
// BENCH_XRM_RUNS=n runs each size n times (SABER, then the baseline, in turn) and reports the
// medians (default 1).
// BENCH_XRM_BLOCK: `per-core` (default) cuts the volume's longest axis (ties: the earlier axis,
// whose blocks are read more contiguously) into one block per core: 128,256,256 for 256³ and
// 256,256,512 for 256×512×512 on two cores. An edge (BENCH_XRM_BLOCK=128: the demo's blocks; the
// halo stays 24, so smaller blocks recompute more of it: a 128³ block reads up to 176³ voxels) or
// z,y,x edges (BENCH_XRM_BLOCK=256,512,256) give other layouts.
// Last line: `xrm: mvox_s_256=… mvox_s_512x512x256=… baseline_mvox_s_256=… … block=128 … runs=1 goal_mvox_s=5`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// glibc backs large allocations with transparent huge pages when GLIBC_TUNABLES asks for it (a
// fresh 4 KiB page costs about 11 µs to fault on a VM); the tools' CWL files ask for it, and so
// do the services' images. The bench runs itself again with it, so that SABER's own process and
// the baseline have it too (BENCH_XRM_HUGEPAGES=0: neither does).
const HUGEPAGES = 'glibc.malloc.hugetlb=1';
if (process.platform === 'linux' && process.env.BENCH_XRM_HUGEPAGES !== '0' && !(process.env.GLIBC_TUNABLES ?? '').includes('glibc.malloc.hugetlb=')) {
  const env = { ...process.env, GLIBC_TUNABLES: [process.env.GLIBC_TUNABLES, HUGEPAGES].filter(Boolean).join(':') };
  const again = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit', env });
  process.exit(again.status ?? 1);
}

const require = createRequire(import.meta.url);
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const tool = (name) => require(join(root, 'tools', name, 'dist/main.js')).main;
const out = join(root, 'tmp/bench-xrm');
const SIZES = { 256: [256, 256, 256], 512: [256, 512, 512] };
const picked = (process.env.BENCH_XRM_SIZES ?? '256,512').split(',');
const baseline = process.env.BENCH_XRM_BASELINE !== '0';
const RUNS = Number(process.env.BENCH_XRM_RUNS ?? 1);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_XRM_RUNS: a whole number of runs >= 1, got ${process.env.BENCH_XRM_RUNS}`);
/** The middle value (the mean of the two middle ones for an even count). */
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const BLOCK_SPEC = process.env.BENCH_XRM_BLOCK ?? 'per-core';
const FIXED = BLOCK_SPEC === 'per-core' ? undefined : BLOCK_SPEC.split(',').map(Number);
if (FIXED?.length === 1) FIXED.push(FIXED[0], FIXED[0]);
if (FIXED && (FIXED.length !== 3 || !FIXED.every((b) => Number.isInteger(b) && b >= 32))) {
  throw new Error(`BENCH_XRM_BLOCK: per-core, an edge or z,y,x edges, integers >= 32, got ${BLOCK_SPEC}`);
}
/** The block edges for a volume: the fixed ones, or its longest axis cut into one block per core. */
function blockFor(shape) {
  if (FIXED) return FIXED;
  const axis = shape.indexOf(Math.max(...shape));
  return shape.map((s, a) => (a === axis ? Math.ceil(s / cpus().length) : s));
}
const CLASSIFIER = ['--scales', '1,2.5', '--features', 'gaussian,laplacian,hessian', '--derivatives', 'differences', '--trees', '4', '--max-depth', '12'];
// xrm-block.cwl's defaults, for the baseline.
const DETECT = ['--channel', '1', '--threshold', '0.4', '--stop', '0.4', '--initial-template-size', '14', '--dilation', '8', '--max-cells', '5000'];
const SEGMENT = ['--channel', '2', '--threshold', '0.5', '--dilation', '1', '--minimum', '1000'];

async function run(name, args) {
  const lines = [];
  await tool(name)(args, { out: (l) => lines.push(l), err: (l) => process.stderr.write(`${l}\n`) });
  return Object.fromEntries(lines.filter((l) => l.includes(': ')).map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)]));
}

mkdirSync(out, { recursive: true });
const p = (name) => join(out, name);
// The classifier is trained again when its options or the pixel classifier changed since it was made.
const classifierArgs = JSON.stringify({ args: CLASSIFIER, tool: createHash('sha1').update(readFileSync(join(root, 'tools/pixel-classifier/dist/main.js'))).digest('hex') });
if (!existsSync(p('classifier.json')) || !existsSync(p('classifier.args')) || readFileSync(p('classifier.args'), 'utf8') !== classifierArgs) {
  if (!existsSync(p('train.npy'))) await run('xrm-synth', ['--image', p('train.npy'), '--classes', p('train-classes.npy'), '--shape', '128,128,128', '--seed', '1000']);
  await run('pixel-classifier', ['train', '--image', p('train.npy'), '--labels', p('train-classes.npy'), '--model', p('classifier.json'), ...CLASSIFIER]);
  writeFileSync(p('classifier.args'), classifierArgs);
}

// Dirty pages of earlier runs (a 512 run writes about 1.5 GB of block results) are written back
// before each timed run, not during it: the kernel's writeback took CPU from the next run, whose
// time then drifted by up to 35 % from one run to the next.
function settle() {
  if (process.platform !== 'win32') spawnSync('sync');
}

const results = [];
for (const key of picked) {
  const shape = SIZES[key];
  if (!shape) throw new Error(`BENCH_XRM_SIZES: unknown size ${key} (256 or 512)`);
  const name = shape.join('x');
  const voxels = shape[0] * shape[1] * shape[2];
  const image = p(`image-${name}.npy`);
  if (!existsSync(image)) await run('xrm-synth', ['--image', image, '--shape', shape.join(','), '--seed', '1']);
  writeFileSync(p(`job-${name}.yml`), `image: {class: File, path: image-${name}.npy}\nclassifier: {class: File, path: classifier.json}\nmax_cells: 5000\n`);
  const block = blockFor(shape);
  writeFileSync(p(`sweep-${name}.yml`), `block: {bounds: {stop: [${shape.join(', ')}]}, size: [${block.join(', ')}], halo: [24, 24, 24], inputs: {box: box, halo_box: halo_box}}\n`);

  const row = { name, voxels, block, saberRuns: [], baselineRuns: [] };
  for (let k = 0; k < RUNS; k++) {
    settle();
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [join(root, 'apps/saber/bin/saber.js'), 'deploy', join(root, 'workflows/xrm/xrm-block.cwl'), p(`job-${name}.yml`), '--sweep', p(`sweep-${name}.yml`), '--no-progress', '--no-catalog', '--home', p(`home-${name}`)],
      { encoding: 'utf8', cwd: root, maxBuffer: 256 << 20 },
    );
    const saberSeconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`saber deploy failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
    const sweep = JSON.parse(r.stdout);
    writeFileSync(p(`deploy-${name}.json`), r.stdout); // the sweep's summary, for a closer look
    row.cells = sweep.merged[0].results.find((m) => m.output === 'cells').count;
    row.blocks = sweep.total;
    row.saberRuns.push({ seconds: saberSeconds, toolSeconds: sweep.costSeconds });
    console.log(`${name}: saber ${sweep.total} blocks of ${block.join(' × ')} in ${saberSeconds.toFixed(1)} s (${(voxels / 1e6 / saberSeconds).toFixed(2)} MVox/s; ${sweep.costSeconds.toFixed(1)} tool-seconds), ${row.cells} cells`);

    if (baseline) {
      settle();
      const t1 = performance.now();
      const stage = {};
      const timed = async (label, fn) => {
        const s = performance.now();
        const m = await fn();
        stage[label] = (performance.now() - s) / 1000;
        return m;
      };
      await timed('classify', () => run('pixel-classifier', ['predict', '--image', image, '--model', p('classifier.json'), '--dtype', 'uint8', '--output', p('prob.npy')]));
      const d = await timed('detect', () => run('cell-detect', ['--input', p('prob.npy'), '--output', p('cells.json'), ...DETECT]));
      await timed('segment', () => run('vessel-segment', ['--input', p('prob.npy'), '--output', p('vessels.npy'), ...SEGMENT]));
      await timed('density', () => run('density', ['--cells', p('cells.json'), '--vessels', p('vessels.npy'), '-o', p('densities.json')]));
      const seconds = (performance.now() - t1) / 1000;
      row.baselineRuns.push({ seconds });
      row.baselineCells = d.cells;
      console.log(
        `${name}: baseline (one process, whole volume) ${seconds.toFixed(1)} s (${(voxels / 1e6 / seconds).toFixed(2)} MVox/s: ` +
          `${Object.entries(stage).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}), ${d.cells} cells`,
      );
    }
  }
  // With several runs (BENCH_XRM_RUNS), the medians: this VM's speed drifts from minute to minute.
  row.saberSeconds = median(row.saberRuns.map((x) => x.seconds));
  row.toolSeconds = median(row.saberRuns.map((x) => x.toolSeconds));
  if (row.baselineRuns.length) row.baselineSeconds = median(row.baselineRuns.map((x) => x.seconds));
  if (RUNS > 1) {
    const range = (xs) => `${(voxels / 1e6 / Math.max(...xs)).toFixed(2)}-${(voxels / 1e6 / Math.min(...xs)).toFixed(2)}`;
    console.log(
      `${name}: median of ${RUNS} runs: saber ${(voxels / 1e6 / row.saberSeconds).toFixed(2)} MVox/s (${range(row.saberRuns.map((x) => x.seconds))})` +
        (row.baselineSeconds ? `, baseline ${(voxels / 1e6 / row.baselineSeconds).toFixed(2)} MVox/s (${range(row.baselineRuns.map((x) => x.seconds))})` : ''),
    );
  }
  results.push(row);
}

writeFileSync(p('results.json'), JSON.stringify({ cpus: cpus().length, results }, null, 2));
const kv = results.flatMap((r) => {
  const tag = r.name === '256x256x256' ? '256' : '512x512x256';
  const m = [`mvox_s_${tag}=${(r.voxels / 1e6 / r.saberSeconds).toFixed(2)}`];
  if (r.baselineSeconds) m.push(`baseline_mvox_s_${tag}=${(r.voxels / 1e6 / r.baselineSeconds).toFixed(2)}`, `ratio_${tag}=${(r.baselineSeconds / r.saberSeconds).toFixed(2)}`);
  return m;
});
console.log(`xrm: ${kv.join(' ')} block=${FIXED ? FIXED.join('x') : 'per-core'} cores=${cpus().length} runs=${RUNS} goal_mvox_s=5`);
