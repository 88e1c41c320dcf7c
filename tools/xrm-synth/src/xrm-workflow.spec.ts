import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadDocument, runWorkflowLocally } from '@saber/cwl';

const root = resolve(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'xrm-workflow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const TOOLS = ['xrm-synth', 'pixel-classifier', 'cell-detect', 'vessel-segment', 'density', 'cell-score'];
const built = TOOLS.every((t) => existsSync(join(root, 'tools', t, 'dist/bundle.js')));

describe('workflows/xrm (CWL, run locally)', () => {
  it('runs synthetic-check.cwl end to end on a 56^3 volume: the tools chain, the cells score, the densities tally', { skip: !built && 'build all tools first (npm run build)' }, async () => {
    const { process } = await loadDocument({ path: join(root, 'workflows/xrm/synthetic-check.cwl') });
    const outputs = (await runWorkflowLocally(
      process,
      { shape: '56,56,56', seed: 2, train_seed: 7, cell_count: 10, scales: '1,2', samples: 4000, trees: 4, initial_template_size: 12, score_template_size: 10, vessel_minimum: 50 },
      { outdir: join(dir, 'out'), parallelism: 2 },
    )) as Record<string, { path: string }>;
    const scores = JSON.parse(readFileSync(outputs.scores.path, 'utf8'));
    assert.equal(scores.templateSize, 10, 'scored with score_template_size, not the detection template');
    assert.ok(scores.f1 >= 0 && scores.f1 <= 1 && scores.vesselDice >= 0 && scores.vesselDice <= 1, JSON.stringify(scores));
    assert.ok(scores.truth > 0, 'some true cells lie inside the border');
    const densities = JSON.parse(readFileSync(outputs.densities.path, 'utf8'));
    assert.equal(densities.regions['1'].voxels, 56 ** 3);
    const cells = JSON.parse(readFileSync(outputs.cells.path, 'utf8'));
    assert.equal(densities.regions['1'].detections, cells.detections.length);
  });
});
