import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RunAccepted, StudyAccepted, StudyCompleted, StudyRequested, StudyTrialCompleted, type StudyCompleted as StudyCompletedT } from '@saber/contracts';
import { REPO_ROOT, TestCluster, type ServiceProcess } from './cluster';

const TOOL = join(REPO_ROOT, 'test/workflows/score-quadratic.cwl');
const STUDY = [
  'sampler: {method: tpe, seed: 5, startup: 3}',
  'objective: {metric: main.score, direction: maximize}',
  'budget: {trials: 8}',
  'parallel: 2',
  'x: {space: {type: float, low: 0, high: 1}}',
  'n: {range: [1, 2, 3, 4, 5], parameters: {abs: n}}',
].join('\n');

describe('studies on real NATS JetStream (planner, executor, optimizer processes)', () => {
  const cluster = new TestCluster({ SABER_ACK_WAIT_MS: '1500', SABER_EXECUTOR_CONCURRENCY: '2' });
  let optimizer: ServiceProcess;

  before(async () => {
    await cluster.start();
    await cluster.startService('planner');
    await cluster.startService('executor');
    optimizer = await cluster.startService('optimizer');
  });
  after(() => cluster.stop());

  const of = (subject: string, pred: (b: Record<string, unknown>) => boolean) => cluster.events.filter((e) => e.subject === subject && pred(e.body));
  const ofStudy = (id: string) => (b: Record<string, unknown>) => b.studyId === id;

  it('scores each trial from the tool’s last "score:" line (score_format); after a SIGKILL mid-study the optimizer resumes and no finished trial runs again', async () => {
    const request = StudyRequested.parse({ requestId: 'nats-1', workflow: { path: TOOL }, inputs: { seconds: 0.4 }, study: { inline: STUDY, name: 'quadratic.yml' } });
    await cluster.publish(StudyRequested.subject, request, 'nats-1');
    await cluster.waitFor(() => of(StudyTrialCompleted.subject, ofStudy('nats-1')).length >= 3, 60_000, 'three finished trials');
    optimizer.kill();
    const finishedBefore = of(StudyTrialCompleted.subject, ofStudy('nats-1')).map((e) => e.body.trial);
    await new Promise((r) => setTimeout(r, 500));
    optimizer = await cluster.startService('optimizer');
    const done = await cluster.waitFor((e) => e.subject === StudyCompleted.subject && e.body.studyId === 'nats-1', 90_000, 'study.completed after the restart');
    await new Promise((r) => setTimeout(r, 500));
    const result = done.body as unknown as StudyCompletedT;

    const accepted = of(RunAccepted.subject, (b) => String(b.runId).startsWith('nats-1.t')).map((e) => String(e.body.runId)).sort();
    assert.deepEqual(accepted, ['nats-1.t0', 'nats-1.t1', 'nats-1.t2', 'nats-1.t3', 'nats-1.t4', 'nats-1.t5', 'nats-1.t6', 'nats-1.t7'], 'every trial ran exactly once');
    const ends = of(StudyTrialCompleted.subject, ofStudy('nats-1')).map((e) => Number(e.body.trial)).sort((a, b) => a - b);
    assert.deepEqual(ends, [0, 1, 2, 3, 4, 5, 6, 7], 'one trial.completed per trial');
    assert.ok(finishedBefore.length >= 3);
    assert.equal(of(StudyCompleted.subject, ofStudy('nats-1')).length, 1);
    assert.ok(of(StudyAccepted.subject, ofStudy('nats-1')).length >= 1);
    for (const t of result.trials) {
      const x = Number(t.parameters.x);
      const n = Number(t.parameters.n);
      assert.equal(t.status, 'succeeded');
      assert.ok(Math.abs(t.score! - (-((x - 0.3) ** 2) - ((n - 3) / 10) ** 2)) < 1e-5, `trial ${t.trial}: score ${t.score} for x = ${x}, n = ${n}`);
      assert.ok(t.costSeconds >= 0.4, 'the cost is the tool’s wall-clock seconds');
    }
    assert.equal(result.best.score, Math.max(...result.trials.map((t) => t.score!)));
    assert.equal(result.stoppedBy, 'trials');
  });
});
