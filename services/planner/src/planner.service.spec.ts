import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InProcessBus, type BusMessage } from '@saber/bus';
import { loadConfig } from '@saber/config';
import { Filters, RunCompleted, RunFailed, RunRequested, StepReady, StepTask, StepTaskBatch, batchElementTask, type StepCompleted } from '@saber/contracts';
import { createWorkflowState, resolveInputs } from '@saber/cwl';
import { EventPublisher } from '@saber/runtime';
import { startTelemetry } from '@saber/telemetry';
import { PlannerService, earlyResultRetryMs } from './planner.service';
import { RunStore } from './run-store';
import { WorkflowSource } from './workflow-source';

const NOOP = resolve(__dirname, '../../../test/workflows/noop-scatter.cwl');

describe('PlannerService (in-process bus)', () => {
  const bus = new InProcessBus();
  const events: Array<{ subject: string; body: Record<string, unknown> }> = [];
  const tasks: StepTask[] = [];
  const batches: StepTaskBatch[] = [];
  let planner: PlannerService;

  before(async () => {
    startTelemetry({ serviceName: 'planner-spec', env: {} }); // no exporter: spans exist, nothing is sent
    await bus.start();
    const config = loadConfig({ SABER_HOME: '/tmp/saber-planner-spec', SABER_MAX_DELIVER: '3' });
    planner = new PlannerService(new RunStore(bus), new EventPublisher(bus), new WorkflowSource(), config);
    await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'all' }, async (m) => {
      events.push({ subject: m.subject, body: m.json() });
    });
    await bus.consume({ stream: 'events', durable: 'planner', filterSubject: Filters.runRequested }, (m: BusMessage) => planner.onRunRequested(m));
    await bus.consume({ stream: 'tasks', durable: 'exec', filterSubject: 'saber.tasks.>' }, async (m) => {
      const body = m.json<Record<string, unknown>>();
      if (!Array.isArray(body.elements)) return void tasks.push(StepTask.parse(body));
      assert.equal(m.headers['Saber-Schema'], 'step-batch/v1');
      const batch = StepTaskBatch.parse(body);
      batches.push(batch);
      batch.elements.forEach((_, i) => tasks.push(batchElementTask(batch, i)));
    });
  });
  after(() => bus.close());

  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  const request = (id: string, items: number[]) =>
    bus.publish(RunRequested.subject, new TextEncoder().encode(JSON.stringify(RunRequested.parse({ requestId: id, workflow: { path: NOOP }, inputs: { items } }))), { msgId: id });
  const completion = (t: StepTask, attempt = 1, cost = 1): StepCompleted => ({
    runId: t.runId, stepId: t.stepId, taskId: t.taskId, attempt, outputs: { code: t.inputs.item }, exitCode: 0,
    costSeconds: cost, peakMemoryBytes: 0, metrics: { score: Number(t.inputs.item) }, executorId: 'test', cached: false, finishedAt: new Date().toISOString(),
  });

  it('dispatches one task per scatter element and completes the run once, counting each result once', async () => {
    await request('r1', [5, 6, 7]);
    await until(() => tasks.filter((t) => t.runId === 'r1').length === 3, '3 tasks');
    const mine = tasks.filter((t) => t.runId === 'r1');
    assert.deepEqual(mine.map((t) => t.taskId), ['r1:noop[0]', 'r1:noop[1]', 'r1:noop[2]']);
    assert.deepEqual(mine.map((t) => t.inputs.item), [5, 6, 7]);
    assert.ok(mine.every((t) => t.maxAttempts === 3 && t.outputUri.startsWith('file://') && /^00-[0-9a-f]{32}-/.test(t.traceparent ?? '')));
    await Promise.all([...mine, mine[0]].map((t) => planner.onStepCompleted(completion(t)))); // a duplicate of the first
    await until(() => events.some((e) => e.subject === RunCompleted.subject && e.body.runId === 'r1'), 'run.completed');
    const done = events.filter((e) => e.subject === RunCompleted.subject && e.body.runId === 'r1');
    assert.equal(done.length, 1);
    assert.deepEqual(done[0].body.outputs, { codes: [5, 6, 7] });
    assert.equal(done[0].body.costSeconds, 3, 'the duplicate completion is not counted');
    assert.deepEqual(done[0].body.metrics, { 'noop.score': 7 });
  });

  it('ignores retryable failures (the executor retries) and fails the run on a final one', async () => {
    await request('r2', [1, 2]);
    await until(() => tasks.filter((t) => t.runId === 'r2').length === 2, '2 tasks');
    const [a, b] = tasks.filter((t) => t.runId === 'r2');
    const failure = { runId: 'r2', stepId: 'noop', taskId: a.taskId, failureType: 'tool-exit' as const, message: 'exit 3', exitCode: 3, stderrTail: 'boom', costSeconds: 0.5, executorId: 'x', finishedAt: new Date().toISOString() };
    await planner.onStepFailed({ ...failure, attempt: 1, retryable: true });
    await planner.onStepCompleted(completion(b));
    assert.equal(events.some((e) => e.subject === RunFailed.subject && e.body.runId === 'r2'), false);
    await planner.onStepFailed({ ...failure, attempt: 2, retryable: false });
    await until(() => events.some((e) => e.subject === RunFailed.subject && e.body.runId === 'r2'), 'run.failed');
    const failed = events.find((e) => e.subject === RunFailed.subject && e.body.runId === 'r2')!.body;
    assert.equal(failed.failedStep, 'noop');
    assert.equal(failed.stderrTail, 'boom');
    assert.match(String(failed.message), /^step noop failed \(tool-exit, exit code 3\): exit 3$/);
    // A late completion after the failure changes nothing.
    await planner.onStepCompleted(completion(a, 3));
    assert.equal(events.filter((e) => e.subject === RunCompleted.subject && e.body.runId === 'r2').length, 0);
  });

  /** A run as a planner leaves it when it crashes after storing it and before saving its first dispatch. */
  const acceptedOnly = async (id: string, items: number[]) => {
    const loaded = await new WorkflowSource().load({ path: NOOP });
    const created = await new RunStore(bus).create({
      runId: id, requestId: id, status: 'running', workflow: { name: loaded.name, uri: loaded.uri, contentHash: loaded.contentHash },
      traceparent: '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01', options: { cache: true, maxAttempts: 3 },
      state: createWorkflowState(loaded.process, resolveInputs(loaded.process, { items }), id), costSeconds: 0, metrics: {}, createdAt: new Date().toISOString(),
    });
    assert.notEqual(created, null);
  };

  it('keeps a result that arrives before its dispatch was saved (a planner crash): redispatches, asks for it again, then counts it', async () => {
    await acceptedOnly('r7', [3, 4]);
    // The crashed planner had sent r7:noop[0] and the executor reported it.
    const sent: StepTask = { ...tasks[0], runId: 'r7', taskId: 'r7:noop[0]', inputs: { item: 3 } };
    assert.equal(await planner.onStepCompleted(completion(sent)), true, 'ahead of the saved state: to be delivered again');
    await until(() => tasks.filter((t) => t.runId === 'r7').length === 2, 'the step dispatched again');
    assert.deepEqual(tasks.filter((t) => t.runId === 'r7').map((t) => t.taskId), ['r7:noop[0]', 'r7:noop[1]']);
    assert.equal(events.some((e) => e.subject === RunCompleted.subject && e.body.runId === 'r7'), false);
    // Delivered again: now counted once, like the other element's result.
    assert.equal(await planner.onStepCompleted(completion(sent)), false);
    assert.equal(await planner.onStepCompleted(completion(tasks.find((t) => t.taskId === 'r7:noop[1]')!)), false);
    await until(() => events.some((e) => e.subject === RunCompleted.subject && e.body.runId === 'r7'), 'run.completed');
    const done = events.find((e) => e.subject === RunCompleted.subject && e.body.runId === 'r7')!.body;
    assert.deepEqual(done.outputs, { codes: [3, 4] });
    assert.equal(done.costSeconds, 2);
    // A duplicate after that is a duplicate, not an early result.
    assert.equal(await planner.onStepCompleted(completion(sent)), false);
  });

  it('retries an early result soon, then past the ack wait (when the result it waits for comes back only after that)', () => {
    const delays = [1, 2, 3, 4].map((n) => earlyResultRetryMs(n, 30_000));
    assert.deepEqual(delays, [200, 1_000, 5_000, 35_000]);
    assert.ok(delays.reduce((a, b) => a + b, 0) > 30_000, "the consumer's 5 deliveries outlast the ack wait");
  });

  it('dispatches a run again when its request is redelivered after a crash during the first dispatch', async () => {
    await acceptedOnly('r8', [1, 2, 3]);
    await request('r8', [1, 2, 3]);
    await until(() => tasks.filter((t) => t.runId === 'r8').length === 3, 'the run dispatched');
    assert.deepEqual(tasks.filter((t) => t.runId === 'r8').map((t) => t.taskId), ['r8:noop[0]', 'r8:noop[1]', 'r8:noop[2]']);
    // The same request once more: the run is under way, nothing new is sent.
    await bus.publish(RunRequested.subject, new TextEncoder().encode(JSON.stringify(RunRequested.parse({ requestId: 'r8', workflow: { path: NOOP }, inputs: { items: [1, 2, 3] } }))), { msgId: 'r8-again' });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(tasks.filter((t) => t.runId === 'r8').length, 3);
  });

  it('turns a dead-lettered task into a lost-worker failure of its run', async () => {
    await request('r3', [1]);
    await until(() => tasks.some((t) => t.runId === 'r3'), 'task');
    const t = tasks.find((x) => x.runId === 'r3')!;
    const dead = { subject: 'saber.events.dlq.saber.tasks.default', data: new Uint8Array(), headers: { 'Saber-Dlq-Reason': 'max-deliveries' }, seq: 1, deliveryCount: 1,
      json: () => t, ack: async () => undefined, nak: () => undefined, term: () => undefined, working: () => undefined } as unknown as BusMessage;
    await planner.onDeadLetter(dead);
    await until(() => events.some((e) => e.subject === RunFailed.subject && e.body.runId === 'r3'), 'run.failed');
    const failed = events.find((e) => e.subject === RunFailed.subject && e.body.runId === 'r3')!.body;
    assert.equal(failed.reason, 'lost-worker');
    assert.match(String(failed.message), /max-deliveries/);
  });

  it('sends a large scatter as batches of elements, with one step.ready per element', async () => {
    const items = Array.from({ length: 100 }, (_, i) => i);
    await request('r4', items);
    await until(() => tasks.filter((t) => t.runId === 'r4').length === 100, '100 tasks');
    const mine = batches.filter((b) => b.runId === 'r4');
    // SABER_TASK_BATCH 16: max(ceil(100/16), 16) = 16 messages of ceil(100/16) = 7 elements (the last has 2).
    assert.deepEqual(mine.map((b) => b.elements.length), [...Array(14).fill(7), 2]);
    assert.deepEqual(mine.flatMap((b) => b.elements.map((e) => e.taskId)), items.map((i) => `r4:noop[${i}]`));
    assert.equal(new Set(mine.map((b) => b.batchId)).size, mine.length);
    assert.equal(mine[1].batchId, 'r4:noop[7]#dispatch7');
    assert.equal(new Set(mine.map((b) => JSON.stringify(b.tool))).size, 1, "one tool for every batch");
    const ready = events.filter((e) => e.subject === StepReady.subject && e.body.runId === 'r4');
    assert.deepEqual(ready.map((e) => e.body.taskId).sort(), items.map((i) => `r4:noop[${i}]`).sort());
    await Promise.all(tasks.filter((t) => t.runId === 'r4').map((t) => planner.onStepCompleted(completion(t))));
    await until(() => events.some((e) => e.subject === RunCompleted.subject && e.body.runId === 'r4'), 'run.completed');
    assert.deepEqual(events.find((e) => e.subject === RunCompleted.subject && e.body.runId === 'r4')!.body.outputs, { codes: items });
  });

  it('turns a dead-lettered batch into a lost-worker failure of its run', async () => {
    await request('r5', Array.from({ length: 40 }, (_, i) => i));
    await until(() => batches.some((b) => b.runId === 'r5'), 'batch');
    const b = batches.find((x) => x.runId === 'r5')!;
    const dead = { subject: 'saber.events.dlq.saber.tasks.default', data: new Uint8Array(), headers: { 'Saber-Dlq-Reason': 'max-deliveries' }, seq: 1, deliveryCount: 1,
      json: () => b, ack: async () => undefined, nak: () => undefined, term: () => undefined, working: () => undefined } as unknown as BusMessage;
    await planner.onDeadLetter(dead);
    await until(() => events.some((e) => e.subject === RunFailed.subject && e.body.runId === 'r5'), 'run.failed');
    const failed = events.find((e) => e.subject === RunFailed.subject && e.body.runId === 'r5')!.body;
    assert.equal(failed.reason, 'lost-worker');
    assert.equal(failed.failedStep, 'noop');
  });
});
