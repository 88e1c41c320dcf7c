#!/usr/bin/env node
// bench:cwl — the CWL engine against the reference implementation (cwltool), when
// cwltool is installed (Debian: apt-get install cwltool), in the same run:
//   validate: load and validate every document of the conformance suite (378 tests);
//   scatter:  a 1,000-element scatter of a no-op tool (`saber cwl-runner` vs `cwltool --parallel`);
//   floor:    the same 1,000 processes started bare through saber-launch (posix_spawn, the
//             cheapest way to start a process), 2 per core: what any engine's scatter costs at
//             least on this machine, so `scatter_floor_ratio` (floor / cwltool) is the lowest
//             scatter ratio this machine allows;
//   suite:    the whole conformance suite with -j 2 (only with BENCH_CWL_SUITE=1: minutes).
// Last line: `cwl: key=value ...` with seconds per side and ratios (saber / cwltool).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { spawnFloor } from '../lib/spawn-floor.mjs';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../..', import.meta.url).pathname);
const suiteDir = resolve(root, '../shared/cwl-conformance/cwl-v1.2');
const suite = join(suiteDir, 'conformance_tests.yaml');
const saber = [process.execPath, join(root, 'apps/saber/bin/saber.js')];
const cwltool = spawnSync('cwltool', ['--version'], { encoding: 'utf8' }).status === 0 ? 'cwltool' : null;
const { loadDocument } = require('@saber/cwl');
const yaml = require('js-yaml');

function tests() {
  const out = [];
  const walk = (file) => {
    for (const t of yaml.load(readFileSync(file, 'utf8'))) {
      if (t.$import) walk(resolve(dirname(file), t.$import));
      else out.push({ ...t, base: dirname(file) });
    }
  };
  walk(suite);
  return out;
}

async function validateSaber(all) {
  const t0 = performance.now();
  let ok = 0;
  for (const t of all) {
    try {
      await loadDocument({ path: resolve(t.base, t.tool.split('#')[0]) });
      ok++;
    } catch {
      /* invalid documents are part of the suite */
    }
  }
  return { seconds: (performance.now() - t0) / 1000, ok };
}

function validateCwltool(all) {
  const t0 = performance.now();
  let ok = 0;
  for (const t of all) if (spawnSync(cwltool, ['--validate', '--quiet', resolve(t.base, t.tool)], { stdio: 'ignore' }).status === 0) ok++;
  return { seconds: (performance.now() - t0) / 1000, ok };
}

function timed(cmd, args, cwd) {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return (performance.now() - t0) / 1000;
}

const ratio = (a, b) => (r[a] && r[b] ? (r[a] / r[b]).toPrecision(3) : 'n/a');
const fmt = (k) => (Number.isFinite(r[k]) ? r[k].toFixed(2) : 'n/a');
const all = tests();
const dir = mkdtempSync(join(tmpdir(), 'saber-bench-cwl-'));
const job = join(dir, 'job.json');
writeFileSync(job, JSON.stringify({ items: Array.from({ length: 1000 }, (_, i) => i) }));
const scatterWf = join(root, 'test/workflows/noop-scatter.cwl');
const r = {};
try {
  const v = await validateSaber(all);
  r.validate_saber_s = v.seconds;
  console.log(`validate, saber:   ${all.length} documents in ${v.seconds.toFixed(2)} s (${v.ok} valid)`);
  r.scatter_saber_s = timed(saber[0], [saber[1], 'cwl-runner', '--quiet', '--outdir', join(dir, 'out-saber'), scatterWf, job], dir);
  console.log(`scatter, saber:    1,000 elements in ${r.scatter_saber_s.toFixed(2)} s`);
  r.scatter_floor_s = await spawnFloor(1000, availableParallelism() * 2);
  console.log(`scatter, floor:    1,000 bare posix_spawns of \`true\` in ${fmt('scatter_floor_s')} s`);
  if (cwltool) {
    const c = validateCwltool(all);
    r.validate_cwltool_s = c.seconds;
    console.log(`validate, cwltool: ${all.length} documents in ${c.seconds.toFixed(2)} s (${c.ok} valid)`);
    r.scatter_cwltool_s = timed(cwltool, ['--parallel', '--quiet', '--outdir', join(dir, 'out-cwltool'), scatterWf, job], dir);
    console.log(`scatter, cwltool --parallel: 1,000 elements in ${r.scatter_cwltool_s.toFixed(2)} s`);
  } else {
    console.log('cwltool: not installed (apt-get install cwltool) — no side-by-side ratios');
  }
  if (process.env.BENCH_CWL_SUITE === '1') {
    const driver = resolve(root, '../shared/cwl-conformance/conformance.mjs');
    r.suite_saber_s = timed(process.execPath, [driver, '--runner', saber.join(' ') + ' cwl-runner', '--suite', suite, '-j', '2', '--timeout', '120'], root);
    if (cwltool) r.suite_cwltool_s = timed(process.execPath, [driver, '--runner', 'cwltool --no-container', '--suite', suite, '-j', '2', '--timeout', '120'], root);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `cwl: validate_saber_s=${fmt('validate_saber_s')} validate_cwltool_s=${fmt('validate_cwltool_s')} validate_ratio=${ratio('validate_saber_s', 'validate_cwltool_s')} ` +
    `scatter_saber_s=${fmt('scatter_saber_s')} scatter_cwltool_s=${fmt('scatter_cwltool_s')} scatter_ratio=${ratio('scatter_saber_s', 'scatter_cwltool_s')} ` +
    `scatter_floor_s=${fmt('scatter_floor_s')} scatter_floor_ratio=${ratio('scatter_floor_s', 'scatter_cwltool_s')} ` +
    `suite_saber_s=${fmt('suite_saber_s')} suite_cwltool_s=${fmt('suite_cwltool_s')} goals=scatter<=0.2,validate<=0.1`,
);
