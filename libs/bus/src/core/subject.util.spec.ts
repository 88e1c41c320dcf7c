import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidSubjectError } from '../bus.port';
import { filterContains, filtersCollide, streamOfSubject, subjectMatches } from './subject.util';

test('subjectMatches follows NATS wildcards', () => {
  assert.equal(subjectMatches('saber.events.>', 'saber.events.a.b'), true);
  assert.equal(subjectMatches('saber.events.>', 'saber.events'), false);
  assert.equal(subjectMatches('saber.events.*', 'saber.events.a'), true);
  assert.equal(subjectMatches('saber.events.*', 'saber.events.a.b'), false);
  assert.equal(subjectMatches('saber.*.a', 'saber.tasks.a'), true);
  assert.equal(subjectMatches('saber.events.a', 'saber.events.b'), false);
});

test('filterContains is the subset match NATS applies to work-queue consumers', () => {
  assert.equal(filterContains('a.>', 'a.b.c'), true);
  assert.equal(filterContains('a.>', 'a.*'), true);
  assert.equal(filterContains('a.*', 'a.>'), false);
  assert.equal(filterContains('a.*', 'a.b'), true);
  assert.equal(filterContains('a.b', 'a.*'), false);
  assert.equal(filtersCollide('a.*.y', 'a.x.>'), false);
  assert.equal(filtersCollide('a.x', 'a.>'), true);
});

test('streamOfSubject accepts concrete subjects under a root only', () => {
  assert.equal(streamOfSubject('saber.events.run.created.1'), 'events');
  assert.equal(streamOfSubject('saber.tasks.step.run.1'), 'tasks');
  for (const bad of ['saber.eventsx.a', 'saber.events.', 'saber.events.a b', 'saber.tasks.>', 'x.saber.tasks.a']) {
    assert.throws(() => streamOfSubject(bad), InvalidSubjectError, bad);
  }
});
