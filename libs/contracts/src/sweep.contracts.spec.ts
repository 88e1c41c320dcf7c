import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import {
  Filters, MergeCompleted, MergeFailed, MergeRequested, SweepAccepted, SweepCompleted, SweepFailed, SweepProgress, SweepRejected, SweepRequested, type Contract,
} from './index';
import type { z } from 'zod';

const DOCS = resolve(__dirname, '../../../docs/events.md');

/** The JSON example following each "`saber.events.<sweep or merge name>.v1`" line of docs/events.md, by name. */
function docExamples(): Map<string, unknown> {
  const text = readFileSync(DOCS, 'utf8');
  const out = new Map<string, unknown>();
  for (const m of text.matchAll(/^`saber\.events\.(sweep\.[a-z]+|merge\.[a-z]+)\.v1`[\s\S]*?```json\n([\s\S]*?)```/gm)) out.set(m[1]!, JSON.parse(m[2]!));
  return out;
}

describe('sweep contracts', () => {
  it('versions the subjects and filters sweep events', () => {
    assert.equal(SweepRequested.subject, 'saber.events.sweep.requested.v1');
    assert.equal(MergeRequested.subject, 'saber.events.merge.requested.v1');
    assert.equal(Filters.sweepEvents, 'saber.events.sweep.>');
  });

  it('accepts the example of each sweep and merge event in docs/events.md', () => {
    const examples = docExamples();
    const contracts: Array<Contract<z.ZodType>> = [SweepRequested, SweepAccepted, SweepRejected, SweepProgress, SweepCompleted, SweepFailed, MergeRequested, MergeCompleted, MergeFailed];
    for (const c of contracts) {
      assert.ok(examples.has(c.name), `docs/events.md has an example of ${c.name}`);
      const r = c.check(examples.get(c.name));
      assert.ok(r.ok, `${c.name}: ${r.ok ? '' : r.problems.join('; ')}`);
    }
  });

  it('names the problems of an invalid sweep request', () => {
    const r = SweepRequested.check({
      requestId: 'x'.repeat(161),
      workflow: { path: 'wf.cwl' },
      parameterization: { path: 'a.yml', inline: 'x: 1' },
      block: { volume: 'zarr:/v.zarr', bounds: { start: [0, 0, 0], stop: [1, 1, 1] }, size: [0, 1, 1], inputs: { wmin: 'a' } },
      policy: { maxAttempts: 0 },
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    for (const p of ['requestId: must be at most 160 characters', 'parameterization: give exactly one of path or inline', 'block.size.0: Too small: expected number to be >=1', 'policy.maxAttempts: Too small: expected number to be >=1']) {
      assert.ok(r.problems.includes(p), `${p} in ${r.problems.join(' | ')}`);
    }
    assert.ok(r.problems.some((p) => p.startsWith('block.inputs')), r.problems.join(' | '));
  });
});
