import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { StudyAccepted, StudyCompleted, StudyFailed, StudyFilters, StudyRejected, StudyRequested, StudyTrialCompleted, StudyTrialStarted } from './study.contracts';

/** The JSON examples of the "Studies" section of docs/events.md, in order. */
function examples(): unknown[] {
  const doc = readFileSync(resolve(__dirname, '../../../docs/events.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Studies'));
  return [...section.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!));
}

describe('study contracts', () => {
  it('subjects carry the version; study events share one filter', () => {
    assert.equal(StudyRequested.subject, 'saber.events.study.requested.v1');
    assert.equal(StudyTrialCompleted.subject, 'saber.events.study.trial.completed.v1');
    assert.equal(StudyFilters.studyEvents, 'saber.events.study.>');
  });

  it('every example of docs/events.md matches its contract', () => {
    const contracts = [StudyRequested, StudyAccepted, StudyRejected, StudyTrialStarted, StudyTrialCompleted, StudyCompleted, StudyFailed];
    const docs = examples();
    assert.equal(docs.length, contracts.length);
    contracts.forEach((c, i) => assert.doesNotThrow(() => c.parse(docs[i]), c.name));
  });

  it('rejects a study id longer than 150 characters and unknown fields', () => {
    const ok = { requestId: 's', workflow: { path: 'w.cwl' }, study: { inline: 'x' } };
    assert.deepEqual(StudyRequested.check({ ...ok, requestId: 'a'.repeat(151) }), { ok: false, problems: ['requestId: must be at most 150 characters'] });
    assert.equal(StudyRequested.check({ ...ok, budget: 3 }).ok, false);
  });
});
