import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childRunId, parseChildRunId } from './child-run-id';

describe('child run ids', () => {
  it('names attempt 1 without a suffix and retries with .a<attempt>', () => {
    assert.equal(childRunId('lab.sweep-1', 7, 1), 'lab.sweep-1.i7');
    assert.equal(childRunId('lab.sweep-1', 7, 3), 'lab.sweep-1.i7.a3');
  });

  it('parses them back, sweep ids with dots included, and nothing else', () => {
    assert.deepEqual(parseChildRunId('lab.sweep-1.i7'), { sweepId: 'lab.sweep-1', index: 7, attempt: 1 });
    assert.deepEqual(parseChildRunId('s.i2.i7.a3'), { sweepId: 's.i2', index: 7, attempt: 3 });
    for (const id of ['run-1', 's.i', 's.ix', 's.i7.a1', '.i7', 's.i7.a']) assert.equal(parseChildRunId(id), undefined, id);
  });
});
