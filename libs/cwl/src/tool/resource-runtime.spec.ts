import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CwlExecutionError } from '../errors/cwl-errors';
import { expressionSettings } from '../expressions/evaluate-expression';
import { resourceRuntime, type ResourceRuntime } from './resource-runtime';

const defaults: ResourceRuntime = { cores: 8, ram: 1024, outdirSize: 1024, tmpdirSize: 1024 };
const settings = expressionSettings([{ class: 'InlineJavascriptRequirement' }]);

describe('resourceRuntime', () => {
  it('keeps the defaults without a requirement and for resources it does not name', async () => {
    assert.deepEqual(await resourceRuntime(undefined, { inputs: {} }, settings, defaults), defaults);
    assert.deepEqual(await resourceRuntime({ class: 'ResourceRequirement', coresMin: 1, coresMax: 1 }, { inputs: {} }, settings, defaults), { ...defaults, cores: 1 });
  });

  it('rounds fractional minima up, and takes the maximum when it is the only amount', async () => {
    const req = { class: 'ResourceRequirement', ramMin: 254.1, ramMax: 254.9, tmpdirMin: 255.1, tmpdirMax: 255.9, outdirMin: 256.1, outdirMax: 256.9, coresMax: 2.5 };
    assert.deepEqual(await resourceRuntime(req, { inputs: {} }, settings, defaults), { cores: 3, ram: 255, tmpdirSize: 256, outdirSize: 257 });
    assert.deepEqual(await resourceRuntime({ class: 'ResourceRequirement', coresMin: 0.25 }, { inputs: {} }, settings, defaults), { ...defaults, cores: 1 });
  });

  it('evaluates expressions against the inputs', async () => {
    const req = { class: 'ResourceRequirement', ramMin: '$(inputs.n * 2)', coresMin: '$(inputs.n)' };
    assert.deepEqual(await resourceRuntime(req, { inputs: { n: 3 } }, settings, defaults), { ...defaults, cores: 3, ram: 6 });
  });

  it('rejects negative amounts and a maximum below the minimum', async () => {
    await assert.rejects(resourceRuntime({ class: 'ResourceRequirement', ramMin: -1 }, { inputs: {} }, settings, defaults), (e: unknown) => e instanceof CwlExecutionError && e.message === 'ResourceRequirement.ramMin must be a non-negative number, got -1');
    await assert.rejects(resourceRuntime({ class: 'ResourceRequirement', coresMin: 4, coresMax: 2 }, { inputs: {} }, settings, defaults), (e: unknown) => e instanceof CwlExecutionError && e.message === 'ResourceRequirement: coresMax (2) is less than coresMin (4)');
  });
});
