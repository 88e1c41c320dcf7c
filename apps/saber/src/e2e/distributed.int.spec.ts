import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Client } from 'pg';
import { RunAccepted, RunCompleted, RunFailed, RunRejected, RunRequested, StepCompleted, StepFailed, StepStarted } from '@saber/contracts';
import { REPO_ROOT, TestCluster, type ServiceProcess } from './cluster';

const TWO_STEP = join(REPO_ROOT, 'workflows/examples/two-step/workflow.cwl');
const NOOP = join(REPO_ROOT, 'test/workflows/noop-scatter.cwl');
const SLEEP = join(REPO_ROOT, 'test/workflows/sleep-scatter.cwl');

function request(requestId: string, path: string, inputs: Record<string, unknown>) {
  return RunRequested.parse({ requestId, workflow: { path }, inputs });
}

describe('distributed mode on real NATS JetStream and PostgreSQL', () => {
  const cluster = new TestCluster({ SABER_ACK_WAIT_MS: '1500', SABER_EXECUTOR_CONCURRENCY: '4' });
  const pg = new Client({ connectionString: process.env.DATABASE_URL });
  let executors: ServiceProcess[] = [];
  let planner: ServiceProcess;

  const count = async (sql: string, params: unknown[] = []) => {
    const r = await pg.query(sql.replaceAll('$schema', `"${cluster.namespace}"`), params);
    return Number(r.rows[0].n);
  };
  const completedOf = (runId: string) => cluster.events.filter((e) => e.subject === StepCompleted.subject && e.body.runId === runId);

  before(async () => {
    await cluster.start();
    await pg.connect();
    await cluster.startService('catalog');
    planner = await cluster.startService('planner');
    executors = [await cluster.startService('executor'), await cluster.startService('executor')];
  });

  after(async () => {
    await cluster.stop();
    await pg.query(`DROP SCHEMA IF EXISTS "${cluster.namespace}" CASCADE`);
    await pg.end();
  });

  it('runs a two-step workflow requested over the bus and records it in the catalog', async () => {
    await cluster.publish(RunRequested.subject, request('two-step-1', TWO_STEP, { messages: ['hello world', 'one two three'] }), 'two-step-1');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'two-step-1', 30_000, 'run.completed');
    const outputs = done.body.outputs as { counts: Array<{ location: string }>; files: Array<{ location: string; basename: string }> };
    assert.deepEqual(outputs.counts.map((f) => readFileSync(fileURLToPath(f.location), 'utf8').trim()), ['2', '3']);
    assert.deepEqual(outputs.files.map((f) => readFileSync(fileURLToPath(f.location), 'utf8')), ['hello world\n', 'one two three\n']);
    assert.deepEqual(outputs.files.map((f) => f.basename), ['message.txt', 'message.txt']);
    // Every message SABER published for the run carries a dedupe id, its schema and one W3C trace context.
    const published = cluster.events.filter((e) => e.body.runId === 'two-step-1' && e.subject !== RunRequested.subject);
    assert.ok(published.length >= 9, `saw ${published.length} events`);
    const traceIds = new Set<string>();
    for (const e of published) {
      assert.ok(e.headers['Nats-Msg-Id'], `${e.subject} has a Nats-Msg-Id`);
      assert.match(e.headers['Saber-Schema'] ?? '', /^[a-z.]+\/v1$/, `${e.subject} has Saber-Schema`);
      const tp = /^00-([0-9a-f]{32})-[0-9a-f]{16}-0[01]$/.exec(e.headers.traceparent ?? '');
      assert.ok(tp, `${e.subject} has a traceparent: ${e.headers.traceparent}`);
      traceIds.add(tp[1]);
    }
    assert.equal(traceIds.size, 1, 'one trace per run');
    // The catalog consumes asynchronously: wait for it to record the end.
    for (let i = 0; i < 100 && (await count(`SELECT count(*) AS n FROM $schema.runs WHERE id = $1 AND status = 'completed'`, ['two-step-1'])) === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.runs WHERE id = $1 AND status = 'completed'`, ['two-step-1']), 1);
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.steps WHERE run_id = $1`, ['two-step-1']), 2);
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.task_attempts WHERE run_id = $1 AND status = 'completed'`, ['two-step-1']), 4);
  });

  it('does not start a second run when the same request is published again', async () => {
    await cluster.publish(RunRequested.subject, request('two-step-1', TWO_STEP, { messages: ['x'] }), 'two-step-1');
    // A request with another dedupe id but the same request id is a duplicate too.
    await cluster.publish(RunRequested.subject, request('two-step-1', TWO_STEP, { messages: ['x'] }), 'two-step-1-again');
    await cluster.publish(RunRequested.subject, request('marker-1', NOOP, { items: [1] }), 'marker-1');
    await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'marker-1', 30_000, 'marker run');
    assert.equal(cluster.events.filter((e) => e.subject === RunAccepted.subject && e.body.runId === 'two-step-1').length, 1);
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.runs WHERE id = $1`, ['two-step-1']), 1);
  });

  it('splits 200 tasks between two executors and records every result exactly once', async () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    await cluster.publish(RunRequested.subject, request('fanout-200', NOOP, { items }), 'fanout-200');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'fanout-200', 60_000, 'fan-out run');
    assert.deepEqual((done.body.outputs as { codes: number[] }).codes, items);
    const byExecutor = new Map<string, number>();
    for (const e of completedOf('fanout-200')) byExecutor.set(String(e.body.executorId), (byExecutor.get(String(e.body.executorId)) ?? 0) + 1);
    assert.equal(byExecutor.size, 2, `both executors take tasks: ${JSON.stringify([...byExecutor])}`);
    for (const n of byExecutor.values()) assert.ok(n > 0);
    assert.equal(completedOf('fanout-200').length, 200);
    assert.equal(new Set(completedOf('fanout-200').map((e) => e.body.taskId)).size, 200);
    for (let i = 0; i < 100 && (await count(`SELECT count(*) AS n FROM $schema.task_attempts WHERE run_id = $1 AND status = 'completed'`, ['fanout-200'])) < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.task_attempts WHERE run_id = $1 AND status = 'completed'`, ['fanout-200']), 200);
    assert.equal(await count(`SELECT count(DISTINCT task_id) AS n FROM $schema.task_attempts WHERE run_id = $1`, ['fanout-200']), 200);
  });

  it('rejects malformed JSON, invalid requests, unknown workflows and invalid CWL, and keeps running', async () => {
    await cluster.publishRaw(RunRequested.subject, '{"requestId": "bad-json", ', 'bad-json');
    await cluster.publish(RunRequested.subject, { requestId: 'bad-schema', workflow: { path: 1 }, inputs: {} }, 'bad-schema');
    await cluster.publish(RunRequested.subject, request('no-such', '/nonexistent/flow.cwl', {}), 'no-such');
    await cluster.publish(RunRequested.subject, request('bad-cwl', join(REPO_ROOT, 'test/workflows/invalid-dangling.cwl'), { message: 'x' }), 'bad-cwl');
    const rejected = async (id: string) =>
      (await cluster.waitFor((e) => e.subject === RunRejected.subject && e.body.requestId === id, 30_000, `rejection of ${id}`)).body;
    const badJson = await rejected('bad-json');
    assert.equal(badJson.reason, 'malformed-message');
    assert.match(String(badJson.message), /not valid JSON/);
    const badSchema = await rejected('bad-schema');
    assert.equal(badSchema.reason, 'invalid-request');
    assert.ok((badSchema.details as string[]).some((d) => d.startsWith('workflow.path:')), JSON.stringify(badSchema.details));
    const noSuch = await rejected('no-such');
    assert.equal(noSuch.reason, 'workflow-not-found');
    assert.match(String(noSuch.message), /\/nonexistent\/flow\.cwl/);
    const badCwl = await rejected('bad-cwl');
    assert.equal(badCwl.reason, 'invalid-workflow');
    assert.ok((badCwl.details as string[]).some((d) => /invalid-dangling\.cwl:\d+:\d+: .*mesage/.test(d)), JSON.stringify(badCwl.details));
    // Still alive: a valid run goes through.
    await cluster.publish(RunRequested.subject, request('after-rejects', NOOP, { items: [7] }), 'after-rejects');
    await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'after-rejects', 30_000, 'run after rejections');
    for (const s of cluster.services) assert.equal(s.child.exitCode, null, `${s.name} still runs`);
  });

  it('retries a temporary failure by redelivery, and fails a run on a final failure with the stderr tail', async () => {
    const marker = join(cluster.workDir, 'flaky-marker');
    await cluster.publish(RunRequested.subject, request('flaky-1', join(REPO_ROOT, 'test/workflows/flaky.cwl'), { marker }), 'flaky-1');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'flaky-1', 30_000, 'flaky run');
    const out = (done.body.outputs as { out: { location: string } }).out;
    assert.equal(readFileSync(fileURLToPath(out.location), 'utf8'), 'recovered\n');
    const failed = cluster.events.filter((e) => e.subject === StepFailed.subject && e.body.runId === 'flaky-1');
    assert.deepEqual(failed.map((e) => [e.body.attempt, e.body.retryable, e.body.failureType, e.body.exitCode]), [[1, true, 'tool-exit', 75]]);
    assert.match(String(failed[0].body.stderrTail), /transient trouble/);
    assert.deepEqual(completedOf('flaky-1').map((e) => e.body.attempt), [2]);

    await cluster.publish(RunRequested.subject, request('fails-1', join(REPO_ROOT, 'test/workflows/fails.cwl'), {}), 'fails-1');
    const f = await cluster.waitFor((e) => e.subject === RunFailed.subject && e.body.runId === 'fails-1', 30_000, 'run.failed');
    assert.equal(f.body.failedStep, 'main');
    assert.equal(f.body.reason, 'tool-exit');
    assert.match(String(f.body.message), /exit code 3/);
    assert.match(String(f.body.stderrTail), /something broke: disk on fire/);
    assert.equal(cluster.events.filter((e) => e.subject === StepFailed.subject && e.body.runId === 'fails-1').length, 1, 'a permanent failure is not retried');
  });

  it('redelivers the tasks of a SIGKILLed executor; the run completes and no result is recorded twice', async () => {
    const items = Array.from({ length: 16 }, (_, i) => i);
    await cluster.publish(RunRequested.subject, request('kill-exec', SLEEP, { items, seconds: 1 }), 'kill-exec');
    const victim = executors[0];
    await cluster.waitFor(
      (e) => e.subject === StepStarted.subject && e.body.runId === 'kill-exec' && String(e.body.executorId).endsWith(`-${victim.child.pid}`),
      30_000,
      'a task started on the first executor',
    );
    victim.kill();
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'kill-exec', 60_000, 'run after executor crash');
    assert.deepEqual((done.body.outputs as { codes: number[] }).codes, items);
    const results = completedOf('kill-exec');
    assert.equal(new Set(results.map((e) => e.body.taskId)).size, 16);
    assert.equal(results.length, 16, 'each task result published once (dedupe ids)');
    for (let i = 0; i < 100 && (await count(`SELECT count(*) AS n FROM $schema.task_attempts WHERE run_id = $1 AND status = 'completed'`, ['kill-exec'])) < 16; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await count(`SELECT count(*) AS n FROM $schema.task_attempts WHERE run_id = $1 AND status = 'completed'`, ['kill-exec']), 16);
    executors[0] = await cluster.startService('executor');
  });

  it('completes a run across a planner kill and restart', async () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    await cluster.publish(RunRequested.subject, request('kill-planner', SLEEP, { items, seconds: 0.5 }), 'kill-planner');
    await cluster.waitFor((e) => e.subject === StepStarted.subject && e.body.runId === 'kill-planner', 30_000, 'first task started');
    planner.kill();
    await new Promise((r) => setTimeout(r, 1500));
    planner = await cluster.startService('planner');
    const done = await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'kill-planner', 60_000, 'run after planner restart');
    assert.deepEqual((done.body.outputs as { codes: number[] }).codes, items);
    assert.equal(cluster.events.filter((e) => e.subject === RunCompleted.subject && e.body.runId === 'kill-planner').length, 1);
  });
});
