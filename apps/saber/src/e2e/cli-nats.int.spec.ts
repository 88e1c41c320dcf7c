import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { RunAccepted } from '@saber/contracts';
import { REPO_ROOT, TestCluster } from './cluster';

/** Runs the CLI to its end, collecting stdout and stderr. */
function saber(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/saber/bin/saber.js'), ...args], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('saber run --nats: submit to a cluster and follow the run', () => {
  const cluster = new TestCluster();

  before(async () => {
    await cluster.start();
    await cluster.startService('planner');
    await cluster.startService('executor');
  });
  after(() => cluster.stop());

  it('prints the outputs of a run executed by the cluster’s services', async () => {
    const r = await saber(
      ['run', '--nats', process.env.NATS_URL!, '--namespace', cluster.namespace, 'workflows/examples/two-step/workflow.cwl', 'workflows/examples/two-step/job.yml'],
      { PATH: process.env.PATH },
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { counts: Array<{ location: string }> };
    assert.deepEqual(out.counts.map((f) => readFileSync(fileURLToPath(f.location), 'utf8').trim()), ['2', '6']);
    // The cluster, not the CLI, ran it: the run was accepted by the planner process and its files are in the cluster's work dir.
    assert.ok(cluster.events.some((e) => e.subject === RunAccepted.subject));
    assert.ok(fileURLToPath(out.counts[0].location).startsWith(cluster.workDir));
    assert.match(r.stderr, /step count: 2\/2 done/);
  });
});
