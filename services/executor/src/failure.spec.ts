import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CwlInputError, CwlUnsupportedError } from '@saber/cwl';
import type { ExecutionResult } from './backends/execution-backend';
import { classifyError, classifyExit } from './failure';

const result = (status: ExecutionResult['status'], exitCode: number): ExecutionResult => ({
  outputs: {}, exitCode, status, costSeconds: 0, peakMemoryBytes: 0, stderrTail: '', metrics: {}, warnings: [],
});

describe('failure classification', () => {
  it('success is no failure', () => {
    assert.equal(classifyExit({}, result('success', 0)), null);
  });
  it('a permanent failure is not retried', () => {
    assert.deepEqual(classifyExit({}, result('permanentFail', 2)), { type: 'tool-exit', retryable: false, message: 'the tool exited with code 2', exitCode: 2 });
  });
  it('a temporary failure is retried', () => {
    assert.deepEqual(classifyExit({}, result('temporaryFail', 75)), { type: 'tool-exit', retryable: true, message: 'the tool exited with temporary-failure code 75', exitCode: 75 });
  });
  it('a killed tool is reported and retried', () => {
    const f = classifyExit({}, result('killed', 137));
    assert.equal(f?.type, 'out-of-memory');
    assert.equal(f?.retryable, true);
  });
  it('bad inputs are not retried; unknown errors are', () => {
    assert.deepEqual(classifyError(new CwlInputError('x', 'int', 'input "x" must be int')).retryable, false);
    assert.equal(classifyError(new CwlInputError('x', 'int', 'input "x" must be int')).type, 'bad-input');
    assert.deepEqual(classifyError(new Error('boom')), { type: 'internal', retryable: true, message: 'boom' });
    assert.deepEqual(classifyError(new CwlUnsupportedError('DockerRequirement.dockerImport')), {
      type: 'unsupported', retryable: false, message: 'unsupported CWL feature: DockerRequirement.dockerImport',
    });
  });
});
