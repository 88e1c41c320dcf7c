import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InProcessBus, type BusMessage } from '@saber/bus';
import {
  Filters, RunCompleted, RunFailed, RunRequested, StudyAccepted, StudyCompleted, StudyFailed, StudyRejected, StudyRequested, StudyTrialCompleted,
  StudyTrialStarted, SweepRequested,
} from '@saber/contracts';
import { EventPublisher } from '@saber/runtime';
import { startTelemetry } from '@saber/telemetry';
import { StudyIntake } from './study-intake';
import { StudyService } from './study.service';
import { StudyStore } from './study-store';

const QUADRATIC = resolve(__dirname, '../../../../test/workflows/score-quadratic.cwl');
const BLOCKS = resolve(__dirname, '../../../../test/workflows/block-score.cwl');
const enc = new TextEncoder();

describe('StudyService (in-process bus)', () => {
  const bus = new InProcessBus();
  const events: Array<{ subject: string; body: Record<string, unknown> }> = [];
  let subs: Array<{ stop(): Promise<void> }> = [];

  /** Starts an optimizer (a fresh one after a simulated crash: same bus and KV, no memory). */
  const startOptimizer = async () => {
    const s = new StudyService(new StudyStore(bus), new EventPublisher(bus), new StudyIntake());
    subs.push(await bus.consume({ stream: 'events', durable: 'optimizer-requests', filterSubject: StudyRequested.subject }, (m: BusMessage) => s.onStudyRequested(m)));
    subs.push(await bus.consume({ stream: 'events', durable: 'optimizer-runs', filterSubject: Filters.runEvents, concurrency: 8 }, (m: BusMessage) => s.onRunEvent(m)));
    subs.push(await bus.consume({ stream: 'events', durable: 'optimizer-sweeps', filterSubject: Filters.sweepEvents, concurrency: 4 }, (m: BusMessage) => s.onSweepEvent(m)));
    return s;
  };

  before(async () => {
    startTelemetry({ serviceName: 'optimizer-spec', env: {} });
    await bus.start();
    await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'all' }, async (m) => {
      events.push({ subject: m.subject, body: m.json() });
    });
    await startOptimizer();
  });
  after(() => bus.close());

  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  const settle = () => new Promise((r) => setTimeout(r, 60));
  const of = (subject: string, pred: (b: Record<string, unknown>) => boolean = () => true) => events.filter((e) => e.subject === subject && pred(e.body)).map((e) => e.body);
  const requested = (studyId: string) => of(RunRequested.subject, (b) => String(b.requestId).startsWith(`${studyId}.t`));
  const study = (requestId: string, text: string, workflow = QUADRATIC, inputs: Record<string, unknown> = {}) =>
    bus.publish(StudyRequested.subject, enc.encode(JSON.stringify({ requestId, workflow: { path: workflow }, inputs, study: { inline: text, name: 'study.yml' }, labels: { lab: 'L' } })), { msgId: requestId });
  const complete = (runId: string, metrics: Record<string, number>, costSeconds = 1.5) =>
    bus.publish(RunCompleted.subject, enc.encode(JSON.stringify(RunCompleted.parse({ runId, outputs: {}, artifacts: [], metrics, costSeconds, completedAt: new Date().toISOString() }))), { msgId: `${runId}:completed` });
  const fail = (runId: string) =>
    bus.publish(RunFailed.subject, enc.encode(JSON.stringify(RunFailed.parse({ runId, reason: 'tool-exit', message: 'step main failed (tool-exit, exit code 1): boom', failedStep: 'main', failedAt: new Date().toISOString() }))), { msgId: `${runId}:failed` });
  const quadratic = (p: Record<string, unknown>) => -((Number(p.x) - 0.3) ** 2) - ((Number(p.n) - 3) / 10) ** 2;

  it('runs trials as runs with their parameters and labels, at most `parallel` at once, and completes with the best and every trial', async () => {
    await study('s1', 'sampler: {method: random, seed: 4}\nbudget: {trials: 5}\nparallel: 2\nx: {space: {type: float, low: 0, high: 1}}\nn: {range: [1, 3, 5], parameters: {abs: n}}\n');
    await until(() => requested('s1').length === 2, 'two trial runs');
    const accepted = of(StudyAccepted.subject, (b) => b.studyId === 's1')[0]!;
    assert.deepEqual(
      { sampler: accepted.sampler, parameters: accepted.parameters, objective: accepted.objective, budget: accepted.budget, parallel: accepted.parallel, blocks: accepted.blocks },
      {
        sampler: { method: 'random', seed: 4, settings: { replacement: false } },
        parameters: [{ name: 'x', values: 'float 0..1', inputs: ['x'] }, { name: 'n', values: 'range of 3 values', inputs: ['n'] }],
        objective: { direction: 'maximize', aggregation: 'mean', earlyStopping: false, metric: 'main.score' },
        budget: { trials: 5 }, parallel: 2, blocks: 0,
      },
    );
    const first = requested('s1')[0]!;
    const started = of(StudyTrialStarted.subject, (b) => b.runId === 's1.t0')[0]!;
    assert.deepEqual(first, { requestId: 's1.t0', workflow: { path: QUADRATIC }, inputs: started.parameters, labels: { lab: 'L', studyId: 's1', trial: '0', sampler: 'random' } });
    for (let n = 0; n < 5; n++) {
      await until(() => requested('s1').length >= n + 1, `trial ${n}`);
      const r = requested('s1')[n]!;
      assert.ok(requested('s1').length - n <= 2, 'never more than 2 trials in flight');
      await complete(String(r.requestId), { 'main.score': quadratic(r.inputs as Record<string, unknown>), 'main.progress': 1 });
    }
    await until(() => of(StudyCompleted.subject, (b) => b.studyId === 's1').length === 1, 'study.completed');
    const done = of(StudyCompleted.subject, (b) => b.studyId === 's1')[0]! as unknown as StudyCompleted;
    const scores = done.trials.map((t) => t.score!);
    assert.deepEqual(done.trials.map((t) => [t.trial, t.runId, t.status, t.costSeconds]), [0, 1, 2, 3, 4].map((n) => [n, `s1.t${n}`, 'succeeded', 1.5]));
    assert.equal(done.best.score, Math.max(...scores));
    assert.deepEqual([done.stoppedBy, done.objective, done.sampler, done.costSeconds], ['trials', 'main.score', 'random', 7.5]);
    assert.equal(new Set(done.trials.map((t) => JSON.stringify(t.parameters))).size, 5);
    assert.equal(of(StudyTrialCompleted.subject, (b) => b.studyId === 's1').length, 5);
    assert.equal(requested('s1').length, 5);
  });

  it('a restarted optimizer continues the study without requesting a finished trial again', async () => {
    await study('s2', 'sampler: {method: tpe, seed: 9, startup: 2}\nbudget: {trials: 6}\nparallel: 2\nx: {space: {type: float, low: 0, high: 1}}\n');
    await until(() => requested('s2').length === 2, 'two trial runs');
    await complete('s2.t0', { 'main.score': -0.2 });
    await until(() => requested('s2').length === 3, 'trial 2');
    // Crash: the consumers stop (nothing is acked any more); a new optimizer starts on the same bus and KV.
    await Promise.all(subs.map((s) => s.stop()));
    subs = [];
    const fresh = await startOptimizer();
    await fresh.resumeAll();
    await complete('s2.t1', { 'main.score': -0.1 });
    await complete('s2.t2', { 'main.score': -0.3 });
    for (let n = 3; n < 6; n++) {
      await until(() => requested('s2').length > n, `trial ${n}`);
      await complete(`s2.t${n}`, { 'main.score': -0.05 * n });
    }
    await until(() => of(StudyCompleted.subject, (b) => b.studyId === 's2').length === 1, 'study.completed');
    await settle();
    assert.deepEqual(requested('s2').map((r) => r.requestId), ['s2.t0', 's2.t1', 's2.t2', 's2.t3', 's2.t4', 's2.t5'], 'each trial requested once');
    const done = of(StudyCompleted.subject, (b) => b.studyId === 's2')[0]! as unknown as StudyCompleted;
    assert.deepEqual([done.best.trial, done.best.score, done.trials.length], [1, -0.1, 6]);
    assert.equal(of(StudyTrialCompleted.subject, (b) => b.studyId === 's2' && b.trial === 0).length, 1);
  });

  it('batch-grid starts batch_size trials, and the next batch only when the whole batch finished', async () => {
    await study('s3', 'sampler: {method: batch-grid, batch_size: 2}\nx: {range: [0.1, 0.2, 0.3, 0.4, 0.5], parameters: {abs: x}}\n');
    await until(() => requested('s3').length === 2, 'batch 0');
    assert.deepEqual(requested('s3').map((r) => (r.inputs as { x: number }).x), [0.1, 0.2]);
    await complete('s3.t0', { 'main.score': 0 });
    await settle();
    assert.equal(requested('s3').length, 2, 'batch 1 waits for trial 1');
    await complete('s3.t1', { 'main.score': 0 });
    await until(() => requested('s3').length === 4, 'batch 1');
    assert.deepEqual(of(StudyTrialStarted.subject, (b) => b.studyId === 's3').map((b) => b.batch), [0, 0, 1, 1]);
    await complete('s3.t2', { 'main.score': 0 });
    await complete('s3.t3', { 'main.score': 0 });
    await until(() => requested('s3').length === 5, 'batch 2');
    await complete('s3.t4', { 'main.score': 1 });
    await until(() => of(StudyCompleted.subject, (b) => b.studyId === 's3').length === 1, 'study.completed');
    const done = of(StudyCompleted.subject, (b) => b.studyId === 's3')[0]! as unknown as StudyCompleted;
    assert.deepEqual([done.stoppedBy, done.best.trial], ['trials', 4]);
  });

  it('a failed trial run is recorded and the study goes on; a study without a scored trial fails', async () => {
    await study('s4', 'sampler: {method: grid}\nx: {range: [0.1, 0.2], parameters: {abs: x}}\n');
    await until(() => requested('s4').length === 1, 'trial 0');
    await fail('s4.t0');
    await until(() => requested('s4').length === 2, 'trial 1');
    await complete('s4.t1', { 'main.other': 3 });
    await until(() => of(StudyFailed.subject, (b) => b.studyId === 's4').length === 1, 'study.failed');
    const trials = of(StudyTrialCompleted.subject, (b) => b.studyId === 's4');
    assert.deepEqual(trials.map((t) => [t.trial, t.status, t.message]), [
      [0, 'failed', 'run s4.t0 failed (tool-exit): step main failed (tool-exit, exit code 1): boom'],
      [1, 'failed', "the run reported no metric 'main.score' (it reported main.other)"],
    ]);
    assert.equal(of(StudyFailed.subject, (b) => b.studyId === 's4')[0]!.message, "none of the 2 trials was scored; trial 0: run s4.t0 failed (tool-exit): step main failed (tool-exit, exit code 1): boom");
  });

  it('trials with blocks are block sweeps; their score aggregates the blocks; early stopping prunes a trial that cannot beat the best', async () => {
    await study(
      's5',
      [
        'sampler: {method: grid}',
        'objective: {metric: main.score, aggregation: voxel-weighted, bounds: [0, 0.5], early_stopping: true}',
        't: {range: [0.8, 0.2], parameters: {abs: t}}',
        'block: {bounds: {stop: [1, 1, 30]}, size: [1, 1, 10], inputs: {xmin: xmin, xmax: xmax}}',
      ].join('\n'),
      BLOCKS,
    );
    await until(() => of(SweepRequested.subject, (b) => b.requestId === 's5.t0').length === 1, 'the block sweep of trial 0');
    const sweep = of(SweepRequested.subject, (b) => b.requestId === 's5.t0')[0]!;
    assert.deepEqual(
      { inputs: sweep.inputs, block: sweep.block, parameterization: sweep.parameterization, labels: sweep.labels },
      { inputs: { t: 0.8 }, block: { bounds: { start: [0, 0, 0], stop: [1, 1, 30] }, size: [1, 1, 10], inputs: { xmin: 'xmin', xmax: 'xmax' } }, parameterization: { inline: '', name: 'study.yml (blocks)' }, labels: { lab: 'L', studyId: 's5', trial: '0', sampler: 'grid' } },
    );
    await complete('s5.t0.i0', { 'main.score': 0.2 });
    await complete('s5.t0.i1.a2', { 'main.score': 0.4 }, 2);
    await settle();
    assert.equal(of(StudyTrialCompleted.subject, (b) => b.studyId === 's5').length, 0, 'a block is still missing');
    await complete('s5.t0.i2', { 'main.score': 0.6 });
    await until(() => of(SweepRequested.subject, (b) => b.requestId === 's5.t1').length === 1, 'trial 1');
    await complete('s5.t1.i0', { 'main.score': 0.05 });
    await until(() => of(StudyCompleted.subject, (b) => b.studyId === 's5').length === 1, 'study.completed');
    const trials = of(StudyTrialCompleted.subject, (b) => b.studyId === 's5');
    assert.deepEqual(trials.map((t) => [t.trial, t.status, t.score, t.costSeconds, t.blocks]), [
      [0, 'succeeded', 0.4, 5, { done: 3, total: 3 }],
      [1, 'pruned', null, 1.5, { done: 1, total: 3 }],
    ]);
    assert.equal(trials[1]!.message, 'pruned after 1 of 3 blocks: it can reach at most 0.35, and trial 0 scored 0.4');
  });

  it('rejects an unknown parameter, an empty range, an unknown metric and an infeasible budget before any run', async () => {
    const reject = async (id: string, text: string) => {
      await study(id, text);
      await until(() => of(StudyRejected.subject, (b) => b.requestId === id).length === 1, `study.rejected of ${id}`);
      return of(StudyRejected.subject, (b) => b.requestId === id)[0]!;
    };
    const base = 'sampler: {method: random, max_iterations: 3}\n';
    const unknownParam = await reject('r1', `${base}thresh: {space: {type: float, low: 0, high: 1}}\n`);
    assert.deepEqual([unknownParam.reason, unknownParam.details], ['invalid-study', ["thresh.parameters.abs: no workflow input 'thresh' (inputs: seconds, x, n)"]]);
    assert.equal(unknownParam.message, "the study does not fit the workflow: thresh.parameters.abs: no workflow input 'thresh' (inputs: seconds, x, n)");
    const empty = await reject('r2', `${base}x: {space: {type: float, low: 0.5, high: 0.5}}\n`);
    assert.deepEqual([empty.reason, empty.message], ['invalid-study', 'invalid study study.yml: x.space: empty range: low 0.5 is not less than high 0.5']);
    const metric = await reject('r3', `${base}objective: {metric: main.f1}\nx: {space: {type: float, low: 0, high: 1}}\n`);
    assert.deepEqual(metric.details, ["objective.metric: the workflow reports no metric 'main.f1'; it reports main.score (score_format of step main)"]);
    const budget = await reject('r4', 'sampler: {method: grid}\nbudget: {trials: 4}\nx: {range: [0.1, 0.2, 0.3], parameters: {abs: x}}\n');
    assert.deepEqual(budget.details, ['budget.trials: 4 trials exceed the 3 points of the grid (grid runs each point once)']);
    const typed = await reject('r5', `${base}n: {space: {type: float, low: 0, high: 1}}\n`);
    assert.deepEqual(typed.details, ["n.space: value 0.0 does not fit workflow input 'n' (int)"]);
    assert.equal(of(RunRequested.subject, (b) => /^r\d\./.test(String(b.requestId))).length, 0, 'no run started');
    assert.equal(of(StudyAccepted.subject, (b) => /^r\d$/.test(String(b.studyId))).length, 0);
  });
});
