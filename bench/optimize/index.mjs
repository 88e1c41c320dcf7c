#!/usr/bin/env node
// bench:optimize — the samplers of @saber/optimize on the bench objectives: BENCH_SEEDS
// seeds (default 10) × BENCH_TRIALS trials (default 30), one trial at a time, as the
// optimizer service runs them. Per objective and sampler: the median (and quartiles) of
// the best value found (noise-free value of the best trial) and of the regret (distance
// to the known optimum); the ratio of TPE's median regret to random's (< 1: TPE better).
// With python3-optuna installed, Optuna's TPE runs on the same objectives in the same
// run, and the ratio of its median regret to SABER's TPE is printed.
// The XRM cell detection objective (objectives/xrm-cell-detection.mjs) first builds its
// fixture (cached in bench/optimize/out/); Optuna's TPE asks this process to evaluate each of
// its trials (optuna-tpe.py), so both score the same detections, and the ratio printed for
// it is Optuna's median best F1 over SABER's TPE's (< 1: ours better).
// An objective whose prerequisites are missing is listed as pending. Writes
// bench/optimize/out/results.json and one SVG per objective (median best so far per
// sampler, quartile band); `--docs` writes the SVGs to docs/optimizer/.
// Last line: `optimize: key=value ...`.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { testFunctionObjectives } from './objectives/test-functions.mjs';
import { xrmCellDetection } from './objectives/xrm-cell-detection.mjs';

const require = createRequire(import.meta.url);
const opt = require('@saber/optimize');
const here = dirname(new URL(import.meta.url).pathname);
const root = resolve(here, '../..');
const SEEDS = Number(process.env.BENCH_SEEDS ?? 10);
const TRIALS = Number(process.env.BENCH_TRIALS ?? 30);
const SAMPLERS = ['grid', 'random', 'resampling', 'tpe'];
const objectives = [...testFunctionObjectives, xrmCellDetection];

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const p = (s.length - 1) * q;
  const lo = Math.floor(p);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (p - lo);
};
const median = (xs) => quantile(xs, 0.5);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sig = (v) => Number(v.toPrecision(4));

/**
 * The grid the bench gives the grid sampler: about TRIALS^(1/D) evenly spaced values per
 * continuous dimension (ends included), integers subsampled to as many, categoricals whole.
 * The grid is walked in order and cut at TRIALS, as a user with that budget would.
 */
function gridSpace(space) {
  const k = Math.max(2, Math.ceil(TRIALS ** (1 / space.length)));
  return space.map((d) => {
    if (d.kind === 'float') return { ...d, points: k };
    if (d.kind === 'int') return { ...d, step: Math.max(1, Math.ceil((d.high - d.low) / (k - 1))) };
    return d;
  });
}

/** One sampler on one objective for one seed: the noise-free value of the best trial after each trial. */
function runOne(objective, method, seed) {
  const space = method === 'grid' ? gridSpace(objective.space) : objective.space;
  const trials = opt.optimizeFunction(space, { method, seed, direction: objective.direction }, (p, rng) => objective.evaluate(p, rng), TRIALS);
  const curve = [];
  let best;
  for (const t of trials) {
    if (!best || opt.lossOf(objective.direction, t.value) < opt.lossOf(objective.direction, best.value)) best = t;
    curve.push(objective.exact(best.params));
  }
  return curve;
}

/**
 * How fast the best so far reaches `objective.target` (objectives that set one): per seed, the
 * first trial (1-based) whose best so far is at least as good as the target; its median over the
 * seeds that reach it, and how many do. Undefined without a target.
 */
function reachOf(objective, curves) {
  if (objective.target === undefined) return undefined;
  const t = opt.lossOf(objective.direction, objective.target);
  const firsts = curves.map((c) => c.findIndex((v) => opt.lossOf(objective.direction, v) <= t) + 1).filter((k) => k > 0);
  return { target: objective.target, reached: firsts.length, of: curves.length, medianTrials: firsts.length ? median(firsts) : null };
}
const reachText = (r, bests) => (r ? `; mean ${sig(mean(bests))}; ≥ ${r.target} in ${r.reached}/${r.of} seeds${r.reached ? `, median trial ${sig(r.medianTrials)}` : ''}` : '');

/** A Python that imports optuna (the one on PATH, else Debian's, where apt-get installs python3-optuna), or undefined. */
function optunaPython() {
  return ['python3', '/usr/bin/python3'].find((py) => spawnSync(py, ['-c', 'import optuna'], { stdio: 'ignore' }).status === 0);
}

/** Optuna's TPE (its defaults, seeded) on a test function: the noise-free value of its best trial per seed. */
function runOptuna(objective, seeds) {
  const r = spawnSync(withOptuna, [join(here, 'optuna-tpe.py')], { input: JSON.stringify({ function: objective.name, seeds, trials: TRIALS }), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`optuna-tpe.py failed: ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split('\n').map((l) => objective.exact(JSON.parse(l).best_params));
}

/**
 * Optuna's TPE (its defaults, seeded) on an objective this process evaluates: optuna-tpe.py
 * prints `{"evaluate": params}` per trial and reads `{"value": v}` back on its stdin. Per seed:
 * the best so far after each trial and the value of the best trial.
 */
async function runOptunaServed(objective, seeds) {
  const py = spawn(withOptuna, [join(here, 'optuna-tpe.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  py.stdin.on('error', () => {}); // a crashed optuna-tpe.py: reported from its exit code and stderr below
  py.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const runs = [];
  let curve = [];
  let failure;
  const lines = createInterface({ input: py.stdout });
  lines.on('line', (line) => {
    if (failure) return;
    try {
      const m = JSON.parse(line);
      if (m.evaluate) {
        const v = objective.evaluate(m.evaluate);
        const prev = curve.at(-1);
        curve.push(prev === undefined || opt.lossOf(objective.direction, v) < opt.lossOf(objective.direction, prev) ? v : prev);
        py.stdin.write(`${JSON.stringify({ value: v })}\n`);
      } else {
        runs.push({ seed: m.seed, best: objective.exact(m.best_params), curve });
        curve = [];
      }
    } catch (e) {
      failure = e;
      py.kill();
    }
  });
  py.stdin.write(`${JSON.stringify({ objective: objective.name, space: objective.space, direction: objective.direction, seeds, trials: TRIALS })}\n`);
  const [[code]] = await Promise.all([once(py, 'close'), once(lines, 'close')]);
  if (failure) throw failure;
  if (code !== 0 || runs.length !== seeds.length) throw new Error(`optuna-tpe.py failed (exit ${code}, ${runs.length}/${seeds.length} seeds): ${stderr}`);
  return runs;
}

const results = { seeds: SEEDS, trials: TRIALS, objectives: [] };
const benchStart = performance.now();
const summary = [];
const withOptuna = optunaPython();
const seeds = Array.from({ length: SEEDS }, (_, i) => i);
for (const objective of objectives) {
  if (!objective.available) {
    console.log(`${objective.name}: ${objective.reason}`);
    results.objectives.push({ name: objective.name, pending: objective.reason });
    continue;
  }
  if (objective.prepare) {
    const fixture = await objective.prepare((l) => console.log(l));
    console.log(`\n${objective.name}: fixture ${fixture.key} (${fixture.testCells} cells, ${fixture.scoredCells} scored; classifier oob accuracy ${fixture.oobAccuracy}; built in ${fixture.seconds.total.toFixed(0)} s)`);
  }
  const entry = { name: objective.name, direction: objective.direction, optimum: objective.optimum, samplers: {} };
  for (const ref of objective.references ?? []) {
    const value = objective.exact(ref.params);
    console.log(`  reference: ${ref.name} (${Object.entries(ref.params).map(([k, v]) => `${k} ${v}`).join(', ')}): ${sig(value)}`);
    (entry.references ??= []).push({ ...ref, value });
  }
  const series = [];
  console.log(`\n${objective.name} (${objective.direction}, optimum ${objective.optimum}), ${SEEDS} seeds × ${TRIALS} trials: median [quartiles] of the best value; regret = |best − optimum|`);
  for (const method of SAMPLERS) {
    const t0 = performance.now();
    const curves = seeds.map((s) => runOne(objective, method, s));
    const seconds = (performance.now() - t0) / 1000;
    const bests = curves.map((c) => c.at(-1));
    const regrets = bests.map((b) => Math.abs(b - objective.optimum));
    const reach = reachOf(objective, curves);
    entry.samplers[method] = { median: median(bests), q1: quantile(bests, 0.25), q3: quantile(bests, 0.75), mean: mean(bests), medianRegret: median(regrets), seconds, bests, ...(reach ? { reach } : {}) };
    console.log(`  ${method.padEnd(11)} ${String(sig(median(bests))).padStart(9)} [${sig(quantile(bests, 0.25))}, ${sig(quantile(bests, 0.75))}]  regret ${sig(median(regrets))}  (${seconds.toFixed(2)} s)${reachText(reach, bests)}`);
    const at = (k) => curves.map((c) => c[k]);
    series.push({
      name: method,
      line: curves[0].map((_, k) => ({ x: k, y: median(at(k)) })),
      band: curves[0].map((_, k) => ({ x: k, low: quantile(at(k), 0.25), high: quantile(at(k), 0.75) })),
    });
  }
  const ratio = entry.samplers.tpe.medianRegret / entry.samplers.random.medianRegret;
  entry.tpeVsRandomRegret = ratio;
  console.log(`  tpe / random median regret: ${sig(ratio)} (${ratio < 1 ? 'TPE better' : 'TPE not better'})`);
  summary.push(`${objective.name}_tpe_vs_random=${sig(ratio)}`);
  if (withOptuna && objective.kind === 'workflow') {
    const t0 = performance.now();
    const runs = await runOptunaServed(objective, seeds);
    const seconds = (performance.now() - t0) / 1000;
    const bests = runs.map((r) => r.best);
    const reach = reachOf(objective, runs.map((run) => run.curve));
    entry.optunaTpe = { median: median(bests), q1: quantile(bests, 0.25), q3: quantile(bests, 0.75), mean: mean(bests), medianRegret: median(bests.map((b) => Math.abs(b - objective.optimum))), seconds, bests, ...(reach ? { reach } : {}) };
    const r = median(bests) / entry.samplers.tpe.median;
    entry.optunaVsTpeMedian = r;
    console.log(`  ${'optuna-tpe'.padEnd(11)} ${String(sig(median(bests))).padStart(9)} [${sig(quantile(bests, 0.25))}, ${sig(quantile(bests, 0.75))}]  regret ${sig(entry.optunaTpe.medianRegret)}  (${seconds.toFixed(2)} s)${reachText(reach, bests)}`);
    console.log(`  optuna / saber tpe median best: ${sig(r)} (${r < 1 ? 'ours better' : r > 1 ? 'Optuna better' : 'equal'})`);
    const at = (k) => runs.map((run) => run.curve[k]);
    series.push({
      name: 'optuna-tpe',
      line: runs[0].curve.map((_, k) => ({ x: k, y: median(at(k)) })),
      band: runs[0].curve.map((_, k) => ({ x: k, low: quantile(at(k), 0.25), high: quantile(at(k), 0.75) })),
    });
  }
  if (objective.stats) {
    const st = objective.stats();
    entry.evaluations = { distinct: st.distinct, meanSeconds: st.seconds / st.evaluations, maxSeconds: st.maxSeconds, fixture: st.fixture };
    console.log(`  evaluations: ${st.distinct} distinct (memoized), ${(st.seconds / st.evaluations).toFixed(2)} s each on average, ${st.maxSeconds.toFixed(2)} s at most`);
  }
  if (objective.summaryKey) {
    const k = objective.summaryKey;
    for (const method of SAMPLERS) summary.push(`${k}_${method}_${objective.metric}=${sig(entry.samplers[method].median)}`);
    if (entry.optunaTpe) summary.push(`${k}_optuna_${objective.metric}=${sig(entry.optunaTpe.median)} ${k}_optuna_ratio=${sig(entry.optunaVsTpeMedian)}`);
    if (entry.evaluations) summary.push(`${k}_eval_s=${sig(entry.evaluations.meanSeconds)}`);
  }
  if (withOptuna && objective.kind === 'function') {
    const t0 = performance.now();
    const bests = runOptuna(objective, seeds);
    const seconds = (performance.now() - t0) / 1000;
    const regret = median(bests.map((b) => Math.abs(b - objective.optimum)));
    entry.optunaTpe = { median: median(bests), medianRegret: regret, seconds, bests };
    const r = regret / entry.samplers.tpe.medianRegret;
    console.log(`  optuna-tpe  ${String(sig(median(bests))).padStart(9)}  regret ${sig(regret)}  (${seconds.toFixed(2)} s); optuna / saber tpe median regret: ${sig(r)}`);
    summary.push(`${objective.name}_optuna_vs_tpe=${sig(r)}`);
  }
  results.objectives.push(entry);
  const svg = opt.scorePlotSvg(series, {
    title: `${objective.name}: median best ${objective.kind === 'function' ? 'value (noise-free)' : (objective.metric ?? 'value').toUpperCase()} vs trial, ${SEEDS} seeds, quartile band`,
    xLabel: 'trial',
    yLabel: `best ${objective.direction === 'minimize' ? '(lower is better)' : '(higher is better)'}`,
  });
  const outDir = join(here, 'out');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${objective.name}.svg`), svg);
  if (process.argv.includes('--docs')) {
    mkdirSync(join(root, 'docs/optimizer'), { recursive: true });
    writeFileSync(join(root, 'docs/optimizer', `${objective.name}.svg`), svg);
  }
}
if (!withOptuna) console.log('\noptuna: not installed (apt-get install python3-optuna to compare with its TPE)');
mkdirSync(join(here, 'out'), { recursive: true });
writeFileSync(join(here, 'out/results.json'), JSON.stringify(results, null, 2));
console.log(`optimize: seeds=${SEEDS} trials=${TRIALS} ${summary.join(' ')} seconds=${((performance.now() - benchStart) / 1000).toFixed(0)}`);
