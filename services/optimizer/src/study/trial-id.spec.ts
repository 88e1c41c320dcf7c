import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBlockRunId, parseTrialRunId, trialRunId } from './trial-id';

describe('trial run ids', () => {
  it('are <studyId>.t<trial>, and block runs of a trial the blocker’s <sweepId>.i<block>[.a<attempt>]', () => {
    assert.equal(trialRunId('lab.study-1', 12), 'lab.study-1.t12');
    assert.deepEqual(parseTrialRunId('lab.study-1.t12'), { studyId: 'lab.study-1', trial: 12 });
    assert.equal(parseTrialRunId('lab.study-1.t12.i3'), undefined);
    assert.deepEqual(parseBlockRunId('lab.study-1.t12.i3'), { studyId: 'lab.study-1', trial: 12, index: 3, attempt: 1 });
    assert.deepEqual(parseBlockRunId('lab.study-1.t12.i3.a2'), { studyId: 'lab.study-1', trial: 12, index: 3, attempt: 2 });
    assert.equal(parseBlockRunId('lab.study-1.t12'), undefined);
  });
});
