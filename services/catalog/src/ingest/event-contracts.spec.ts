import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contractForSubject, headerOf, schemaOf, traceIdOf } from './event-contracts';

describe('contractForSubject', () => {
  it('matches versioned subjects, also under a namespace prefix', () => {
    assert.equal(contractForSubject('saber.events.step.completed.v1')?.name, 'step.completed');
    assert.equal(contractForSubject('lab1.saber.events.run.accepted.v1')?.name, 'run.accepted');
    assert.equal(contractForSubject('saber.events.run.accepted.v2'), undefined);
    assert.equal(contractForSubject('xsaber.events.run.accepted.v1'), undefined);
    assert.equal(contractForSubject('saber.events.block.done.v1'), undefined);
  });
});

describe('headers', () => {
  it('reads header names case-insensitively', () => {
    assert.equal(headerOf({ 'SABER-schema': 'x/v1' }, 'Saber-Schema'), 'x/v1');
    assert.equal(headerOf(undefined, 'a'), undefined);
  });

  it('extracts the trace id of a W3C traceparent and rejects malformed or zero ids', () => {
    assert.equal(traceIdOf({ traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' }), '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(traceIdOf({ traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }), undefined);
    assert.equal(traceIdOf({ traceparent: 'garbage' }), undefined);
    assert.equal(traceIdOf({}), undefined);
  });

  it('labels the schema from the header, else from the contract', () => {
    const c = contractForSubject('saber.events.run.failed.v1');
    assert.equal(schemaOf({ 'Saber-Schema': 'run.failed/v1' }, undefined), 'run.failed/v1');
    assert.equal(schemaOf({}, c), 'run.failed/v1');
    assert.equal(schemaOf(undefined, undefined), undefined);
  });
});
