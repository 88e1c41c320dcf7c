import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  MergeRequested, RunAccepted, RunCompleted, RunFailed, RunRequested, SweepAccepted, SweepCompleted, SweepProgress, SweepRequested,
  type SweepCompleted as SweepCompletedT,
} from '@saber/contracts';
import { REPO_ROOT, TestCluster, type ServiceProcess } from './cluster';

const TOOL = join(REPO_ROOT, 'test/workflows/block-bounds.cwl');
const GRID = readFileSync(join(REPO_ROOT, 'test/sweeps/block-grid.yml'), 'utf8');

/** Runs the CLI to its end, collecting stdout and stderr. */
function saber(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'apps/saber/bin/saber.js'), ...args], { cwd: REPO_ROOT, env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('block sweeps on real NATS JetStream (planner, executor, blocker processes)', () => {
  const cluster = new TestCluster({ SABER_ACK_WAIT_MS: '1500', SABER_EXECUTOR_CONCURRENCY: '4' });
  let blocker: ServiceProcess;

  before(async () => {
    await cluster.start();
    await cluster.startService('planner');
    await cluster.startService('executor');
    blocker = await cluster.startService('blocker');
    await cluster.startService('merger');
  });
  after(() => cluster.stop());

  const of = (subject: string, pred: (b: Record<string, unknown>) => boolean) => cluster.events.filter((e) => e.subject === subject && pred(e.body));
  const childOf = (sweepId: string) => (b: Record<string, unknown>) => String(b.runId ?? b.requestId).startsWith(`${sweepId}.i`);
  const request = (requestId: string, inputs: Record<string, unknown>, policy: Record<string, unknown>) =>
    SweepRequested.parse({ requestId, workflow: { path: TOOL }, inputs, parameterization: { inline: GRID, name: 'block-grid.yml' }, policy });

  it('runs one child run per block of a 3 × 2 grid, retries the block that fails once, and requests the merge once', async () => {
    const markers = join(cluster.workDir, 'markers');
    mkdirSync(markers);
    await cluster.publish(SweepRequested.subject, request('grid-1', { tag: 'nats', fail_at: 'z0-1_y0-10_x20-30', marker_dir: markers }, { maxInFlight: 4, maxAttempts: 2 }), 'grid-1');
    const done = await cluster.waitFor((e) => e.subject === SweepCompleted.subject && e.body.sweepId === 'grid-1', 60_000, 'sweep.completed');
    const result = done.body as unknown as SweepCompletedT;
    assert.deepEqual(
      result.iterations.map((i) => readFileSync(fileURLToPath((i.outputs.out as { location: string }).location), 'utf8')),
      ['z0-1_y0-10_x0-10 nats\n', 'z0-1_y0-10_x10-20 nats\n', 'z0-1_y0-10_x20-30 nats\n', 'z0-1_y10-20_x0-10 nats\n', 'z0-1_y10-20_x10-20 nats\n', 'z0-1_y10-20_x20-30 nats\n'],
    );
    assert.deepEqual(result.iterations.map((i) => [i.runId, i.attempts]), [
      ['grid-1.i0', 1], ['grid-1.i1', 1], ['grid-1.i2.a2', 2], ['grid-1.i3', 1], ['grid-1.i4', 1], ['grid-1.i5', 1],
    ]);
    // The block's first run failed (a permanent tool exit, so the run failed), and the blocker started it again.
    const failed = of(RunFailed.subject, childOf('grid-1'));
    assert.deepEqual(failed.map((e) => [e.body.runId, e.body.reason]), [['grid-1.i2', 'tool-exit']]);
    assert.match(String(failed[0]!.body.stderrTail), /block z0-1_y0-10_x20-30: flaky failure/);
    const requested = of(RunRequested.subject, childOf('grid-1')).map((e) => e.body.requestId).sort();
    assert.deepEqual(requested, ['grid-1.i0', 'grid-1.i1', 'grid-1.i2', 'grid-1.i2.a2', 'grid-1.i3', 'grid-1.i4', 'grid-1.i5']);
    assert.deepEqual(of(RunRequested.subject, (b) => b.requestId === 'grid-1.i2.a2')[0]!.body.labels, { sweepId: 'grid-1', iteration: '2', attempt: '2', blockIndex: '2' });
    // The merge is requested exactly once, after every block, with the blocks' geometry and outputs.
    const merges = of(MergeRequested.subject, (b) => b.sweepId === 'grid-1');
    assert.equal(merges.length, 1);
    const merge = merges[0]!.body as unknown as MergeRequested;
    assert.deepEqual(merge.blocks.map((b) => [b.index, b.runId]), result.iterations.map((i) => [i.index, i.runId]));
    assert.deepEqual(merge.blocks[2]!.halo, { start: [0, 0, 18], stop: [1, 12, 30] });
    const lastChild = Math.max(...of(RunCompleted.subject, childOf('grid-1')).map((e) => cluster.events.indexOf(e)));
    assert.ok(cluster.events.indexOf(merges[0]!) > lastChild, 'merge.requested comes after every block completed');
    const progress = of(SweepProgress.subject, (b) => b.sweepId === 'grid-1').at(-1)!.body;
    assert.deepEqual([progress.done, progress.failed, progress.retries, progress.running], [6, 0, 1, 0]);
    for (const e of [...of(SweepAccepted.subject, (b) => b.sweepId === 'grid-1'), done, merges[0]!]) {
      assert.ok(e.headers['Nats-Msg-Id'] && /^00-[0-9a-f]{32}-/.test(e.headers.traceparent ?? ''), `${e.subject} carries its dedupe id and trace context`);
    }
  });

  it('saber deploy --nats submits the sweep to the cluster and prints its result', async () => {
    const job = join(cluster.workDir, 'deploy-job.yml');
    writeFileSync(job, 'tag: cli\n');
    const r = await saber(['deploy', '--nats', process.env.NATS_URL!, '--namespace', cluster.namespace, TOOL, job, '--sweep', 'test/sweeps/block-grid.yml']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as SweepCompletedT;
    assert.equal(out.iterations.length, 6);
    const files = out.iterations.map((i) => fileURLToPath((i.outputs.out as { location: string }).location));
    assert.ok(files.every((f) => f.startsWith(cluster.workDir)), 'the cluster’s executor ran the blocks');
    assert.equal(readFileSync(files[5]!, 'utf8'), 'z0-1_y10-20_x20-30 cli\n');
    assert.ok(of(SweepAccepted.subject, (b) => b.sweepId === out.sweepId).length === 1, 'the cluster’s blocker accepted it');
    assert.match(r.stderr, new RegExp(`^sweep ${out.sweepId} completed: 6 iterations in [0-9.]+ tool-seconds$`, 'm'));
    // It waited for the cluster's merger (text outputs: nothing to stitch, and the merger says so).
    const merged = (out as unknown as { merged: Array<{ requestId: string; skipped: Array<{ output: string }> }> }).merged;
    assert.deepEqual(merged.map((m) => [m.requestId, m.skipped.map((k) => k.output)]), [[`${out.sweepId}.m0`, ['out']]]);
  });

  it('continues a sweep after the blocker is SIGKILLed mid-sweep: every block runs once, one completion, one merge', async () => {
    await cluster.publish(SweepRequested.subject, request('grid-2', { tag: 'restart', seconds: 1 }, { maxInFlight: 2 }), 'grid-2');
    await cluster.waitFor((e) => e.subject === RunCompleted.subject && String(e.body.runId).startsWith('grid-2.i'), 60_000, 'the first block');
    blocker.kill();
    await new Promise((r) => setTimeout(r, 500));
    blocker = await cluster.startService('blocker');
    await cluster.waitFor((e) => e.subject === SweepCompleted.subject && e.body.sweepId === 'grid-2', 60_000, 'sweep.completed after the restart');
    await new Promise((r) => setTimeout(r, 500));
    const accepted = of(RunAccepted.subject, childOf('grid-2')).map((e) => e.body.runId).sort();
    assert.deepEqual(accepted, ['grid-2.i0', 'grid-2.i1', 'grid-2.i2', 'grid-2.i3', 'grid-2.i4', 'grid-2.i5']);
    assert.equal(of(SweepCompleted.subject, (b) => b.sweepId === 'grid-2').length, 1);
    assert.equal(of(MergeRequested.subject, (b) => b.sweepId === 'grid-2').length, 1);
  });
});
