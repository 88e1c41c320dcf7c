import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/saber/bin/saber.js');
const TOOL = 'test/workflows/score-quadratic.cwl';

describe('saber optimize, embedded mode (no servers)', () => {
  const home = mkdtempSync(join(tmpdir(), 'saber-optimize-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, SABER_HOME: home };
  const saber = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  const job = join(home, 'job.yml');
  writeFileSync(job, 'seconds: 0\n');

  it('runs a TPE study and a random one on the same file, writes the CSV of every trial and the SVG plot, prints the results', () => {
    const csv = join(home, 'trials.csv');
    const r = saber('optimize', TOOL, job, 'test/studies/quadratic.yml', '--output', csv, '--samplers', 'random,tpe', '--no-catalog');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Array<{ studyId: string; sampler: string; best: { score: number }; trials: Array<{ score: number }> }>;
    assert.deepEqual(out.map((s) => [s.sampler, s.trials.length]), [['random', 8], ['tpe', 8]]);
    for (const s of out) assert.equal(s.best.score, Math.max(...s.trials.map((t) => t.score)));
    const lines = readFileSync(csv, 'utf8').split('\r\n').filter(Boolean);
    assert.equal(lines[0], 'study,sampler,trial,run_id,status,param.x,param.n,score,cost_seconds,best_so_far,started_at,finished_at');
    assert.equal(lines.length, 17, 'a header and one row per trial');
    const row = lines.find((l) => l.includes(`,tpe,3,${out[1]!.studyId}.t3,succeeded,`))!.split(',');
    const [x, n, score] = [Number(row[5]), Number(row[6]), Number(row[7])];
    assert.ok(Math.abs(score - (-((x - 0.3) ** 2) - ((n - 3) / 10) ** 2)) < 1e-5, 'the score is the tool’s last "score:" line for these parameters');
    const svg = readFileSync(join(home, 'trials.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.match(svg, />random<\/text>/);
    assert.match(svg, />tpe<\/text>/);
    assert.equal((svg.match(/<circle /g) ?? []).length, 16, 'one dot per trial');
    assert.match(r.stderr, /^sampler\ttrial\tstatus\tscore\tcost_s\tbest\tparameters$/m);
    assert.match(r.stderr, new RegExp(`^study ${out[1]!.studyId} completed \\(tpe\\): 8 trials \\(stopped by trials\\) in [0-9.]+ tool-seconds; best trial \\d+`, 'm'));
  });

  it('rejects an invalid study before starting anything, naming every problem', () => {
    const bad = join(home, 'bad.yml');
    writeFileSync(bad, 'sampler: {method: random}\nbudget: {trials: 0}\nx: {space: {type: float, low: 1, high: 0}}\n');
    const r = saber('optimize', TOOL, job, bad, '--no-catalog');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `saber: invalid study ${bad}:\n  x.space: empty range: low 1 is not less than high 0\n  budget.trials: must be an integer from 1 to 2000, got 0\n`);
    const grid = saber('optimize', TOOL, job, 'test/studies/quadratic.yml', '--samplers', 'grid', '--no-catalog');
    assert.equal(grid.status, 1);
    assert.match(grid.stderr, /\(sampler grid\):\n {2}sampler\.method: grid needs a finite set of values per parameter; x \(float 0\.\.1\) has neither step nor points\n$/);
  });

  it('reports a study the optimizer rejects (an unknown metric) with exit code 1', () => {
    const study = join(home, 'metric.yml');
    writeFileSync(study, 'sampler: {method: random, max_iterations: 2}\nobjective: {metric: main.f1}\nx: {space: {type: float, low: 0, high: 1}}\n');
    const r = saber('optimize', TOOL, job, study, '--no-catalog', '--no-progress');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^study study-[a-z0-9-]+ rejected \(invalid-study\): the study does not fit the workflow: objective\.metric: the workflow reports no metric 'main\.f1'; it reports main\.score \(score_format of step main\)$/m);
  });
});
