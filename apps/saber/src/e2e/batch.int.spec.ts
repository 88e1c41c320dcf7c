import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { RunCompleted, RunFailed, RunRequested, StepCompleted, StepFailed, StepReady } from '@saber/contracts';
import { REPO_ROOT, TestCluster, type ServiceProcess } from './cluster';

const FLAKY = join(REPO_ROOT, 'test/workflows/flaky-scatter.cwl');
const SLEEP = join(REPO_ROOT, 'test/workflows/sleep-scatter.cwl');
const BIG = join(REPO_ROOT, 'test/workflows/big-state.cwl');

describe('batched scatter dispatch on real NATS JetStream', () => {
  // 8 elements at most per message: a 64-way scatter goes out as 16 messages of 4.
  const cluster = new TestCluster({ SABER_TASK_BATCH: '8', SABER_ACK_WAIT_MS: '1500', SABER_EXECUTOR_CONCURRENCY: '2' });
  let executors: ServiceProcess[] = [];
  const of = (subject: string, runId: string) => cluster.events.filter((e) => e.subject === subject && e.body.runId === runId);

  before(async () => {
    await cluster.start();
    await cluster.startService('planner');
    executors = [await cluster.startService('executor'), await cluster.startService('executor')];
  });
  after(() => cluster.stop());

  it('retries a failed element inside its batch without running the other elements again', async () => {
    const markers = Array.from({ length: 24 }, (_, i) => join(cluster.workDir, `marker-${i}`));
    await cluster.publish(RunRequested.subject, RunRequested.parse({ requestId: 'flaky-batch', workflow: { path: FLAKY }, inputs: { markers } }), 'flaky-batch');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'flaky-batch', 60_000, 'flaky batch run');
    const outs = (done.body.outputs as { outs: Array<{ location: string }> }).outs;
    assert.deepEqual(outs.map((f) => readFileSync(fileURLToPath(f.location), 'utf8')), markers.map(() => 'recovered\n'));
    const ids = markers.map((_, i) => `flaky-batch:flaky[${i}]`);
    // Every element: attempt 1 fails (temporary, retried), attempt 2 succeeds; nothing else ran.
    const attempts = (subject: string) => of(subject, 'flaky-batch').map((e) => `${String(e.body.taskId)}@${String(e.body.attempt)}`).sort();
    assert.deepEqual(attempts(StepFailed.subject), ids.map((id) => `${id}@1`).sort());
    assert.deepEqual(attempts(StepCompleted.subject), ids.map((id) => `${id}@2`).sort());
    assert.ok(of(StepFailed.subject, 'flaky-batch').every((e) => e.body.retryable === true && e.body.exitCode === 75));
  });

  it('after an executor dies mid-batch, re-publishes the results it had published and runs only the rest', async () => {
    const items = Array.from({ length: 64 }, (_, i) => i);
    await cluster.publish(RunRequested.subject, RunRequested.parse({ requestId: 'kill-batch', workflow: { path: SLEEP }, inputs: { items, seconds: 0.4 } }), 'kill-batch');
    const victim = executors[0];
    // The victim's first result: its batch still has elements to run, so it is not acknowledged.
    await cluster.waitFor(
      (e) => e.subject === StepCompleted.subject && e.body.runId === 'kill-batch' && String(e.body.executorId).endsWith(`-${victim.child.pid}`),
      30_000,
      'a result of the first executor',
    );
    victim.kill();
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'kill-batch', 60_000, 'run after executor crash');
    assert.deepEqual((done.body.outputs as { codes: number[] }).codes, items);
    assert.equal(of(StepReady.subject, 'kill-batch').length, 64);
    const results = of(StepCompleted.subject, 'kill-batch');
    assert.equal(new Set(results.map((e) => e.body.taskId)).size, 64);
    assert.equal(results.length, 64, 'each element result published once');
    const survivor = executors[1].output.join('');
    assert.match(survivor, /task kill-batch:nap\[\d+\]: result of attempt 1 already published; not run again/);
    executors[0] = await cluster.startService('executor');
  });

  it('fails a run whose state outgrows a KV value, or whose outputs outgrow a message, with errors that say so', async () => {
    // 100 × 15,000 pseudo-random characters: about 1.25 MB compressed, over NATS's default 1 MiB max_payload.
    const items = Array.from({ length: 100 }, (_, i) => i);
    const big = (requestId: string, random: boolean) =>
      cluster.publish(RunRequested.subject, RunRequested.parse({ requestId, workflow: { path: BIG }, inputs: { items, size: 15_000, random } }), requestId);
    await big('big-state', true);
    const failed = await cluster.waitFor((e) => e.subject === RunFailed.subject && e.body.runId === 'big-state', 120_000, 'run.failed');
    assert.equal(failed.body.reason, 'state-too-large');
    assert.match(String(failed.body.message), /^the state of run big-state is \d+ bytes compressed, more than the NATS server's max_payload allows; raise max_payload/);
    // The same size of outputs, but compressible: the state fits, run.completed does not.
    await big('big-outputs', false);
    const failed2 = await cluster.waitFor((e) => e.subject === RunFailed.subject && e.body.runId === 'big-outputs', 120_000, 'run.failed');
    assert.equal(failed2.body.reason, 'outputs-too-large');
    assert.match(String(failed2.body.message), /^the outputs of run big-outputs are 15\d{5} bytes of JSON, more than the NATS server's max_payload allows/);
    // The planner still runs other runs.
    await cluster.publish(RunRequested.subject, RunRequested.parse({ requestId: 'small-after-big', workflow: { path: BIG }, inputs: { items: [1, 2], size: 10, random: true } }), 'small-after-big');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'small-after-big', 60_000, 'next run');
    assert.deepEqual((done.body.outputs as { blobs: string[] }).blobs.map((b) => b.length), [10, 10]);
    assert.equal(cluster.events.filter((e) => e.subject === RunFailed.subject && String(e.body.runId).startsWith('big-')).length, 2);
  });
});
