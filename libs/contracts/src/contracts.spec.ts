import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContractViolation, RunRequested, StepFailed, taskSubject, Filters } from './index';

describe('contracts', () => {
  it('puts the version in the subject', () => {
    assert.equal(RunRequested.subject, 'saber.events.run.requested.v1');
    assert.equal(StepFailed.subject, 'saber.events.step.failed.v1');
    assert.equal(Filters.deadLetteredTasks, 'saber.events.dlq.saber.tasks.>');
  });

  it('accepts a minimal run request and fills defaults', () => {
    const r = RunRequested.parse({ requestId: 'r-1', workflow: { path: 'wf.cwl' } });
    assert.deepEqual(r, { requestId: 'r-1', workflow: { path: 'wf.cwl' }, inputs: {} });
  });

  it('names every problem of an invalid request', () => {
    const r = RunRequested.check({ requestId: 'has space', workflow: { path: 'a', url: 'file:///b' }, extra: 1 });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.ok(r.problems.some((p) => p.startsWith('requestId: must be letters')), r.problems.join('\n'));
    assert.ok(r.problems.includes('workflow: give exactly one of path, url or inline'), r.problems.join('\n'));
    assert.ok(r.problems.some((p) => p.includes('extra')), r.problems.join('\n'));
  });

  it('throws ContractViolation with the contract name', () => {
    assert.throws(() => StepFailed.parse({}), (e: unknown) => e instanceof ContractViolation && e.message.startsWith('step.failed/v1: '));
  });

  it('validates pool names of task subjects', () => {
    assert.equal(taskSubject('gpu-1'), 'saber.tasks.gpu-1');
    assert.throws(() => taskSubject('a.b'), /invalid executor pool name "a.b"/);
  });
});
