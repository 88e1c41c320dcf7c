import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/saber/bin/saber.js');

describe('saber CLI, embedded mode (no servers)', () => {
  const home = mkdtempSync(join(tmpdir(), 'saber-cli-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, SABER_HOME: home };
  const saber = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });

  let runId = '';

  it('runs the example workflow and prints its outputs as JSON', () => {
    const r = saber('run', 'workflows/examples/two-step/workflow.cwl', 'workflows/examples/two-step/job.yml');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { counts: Array<{ location: string; basename: string }>; files: Array<{ location: string }> };
    assert.deepEqual(out.counts.map((f) => readFileSync(fileURLToPath(f.location), 'utf8').trim()), ['2', '6']);
    assert.deepEqual(out.files.map((f) => readFileSync(fileURLToPath(f.location), 'utf8')), ['hello world\n', 'segment every neuron in the volume\n']);
    assert.match(r.stderr, /step write: 2\/2 done/);
    assert.match(r.stderr, /step count: 2\/2 done/);
    runId = /run (run-[a-z0-9-]+) completed/.exec(r.stderr)?.[1] ?? '';
    assert.notEqual(runId, '');
  });

  it('status reads the run back from the embedded catalog', () => {
    const r = saber('status', runId);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^run ${runId}: completed \\(workflow workflow\\)`));
    assert.match(r.stdout, /^write\s+completed\s+2\/2\s+2\s/m);
    assert.match(r.stdout, /^count\s+completed\s+2\/2\s+2\s/m);
  });

  it('collect writes one CSV row per run and step', () => {
    const csv = join(home, 'out.csv');
    const r = saber('collect', runId, '--csv', csv);
    assert.equal(r.status, 0, r.stderr);
    const lines = readFileSync(csv, 'utf8').trim().split(/\r?\n/);
    assert.equal(lines[0], 'run_id,workflow,step,param.messages,attempts,cost_seconds,score,status');
    assert.equal(lines.length, 3);
    assert.ok(lines[1].startsWith(`${runId},workflow,write,"[""hello world"",""segment every neuron in the volume""]",2,`));
  });

  it('reports a failing tool with its step, exit code and stderr tail; exit 1', () => {
    const r = saber('run', 'test/workflows/fails.cwl', '--no-progress');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /failed at step main: step main failed \(tool-exit, exit code 3\)/);
    assert.match(r.stderr, /something broke: disk on fire/);
  });

  it('rejects an invalid workflow naming file, line and column; exit 1', () => {
    const r = saber('run', 'test/workflows/invalid-dangling.cwl', '--no-progress');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /rejected \(invalid-workflow\)/);
    assert.match(r.stderr, /invalid-dangling\.cwl:\d+:\d+: .*'mesage'/);
  });

  it('validate prints file:line:column problems', () => {
    const ok = saber('validate', 'workflows/examples/two-step/workflow.cwl');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /valid Workflow "workflow" \(sha256 [0-9a-f]{64}\)/);
    const bad = saber('validate', 'test/workflows/invalid-dangling.cwl');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /invalid-dangling\.cwl:\d+:\d+: step 'write' input 'message': 'mesage' names no workflow input or step output; did you mean 'message'\?/);
  });

  it('status of an unknown run exits 1', () => {
    const r = saber('status', 'no-such-run');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no run "no-such-run" in the catalog/);
  });
});
