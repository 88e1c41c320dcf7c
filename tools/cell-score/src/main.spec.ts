import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseMetrics } from '@saber/cwl';
import { runTool, writeOutput, type ToolIo } from '@saber/toolkit';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'cell-score-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('cell-score', () => {
  it('prints the centroid F1 in the score_format the CWL engine parses, and the vessel Dice', async () => {
    writeFileSync(join(dir, 'pred.json'), JSON.stringify({ detections: [{ z: 10, y: 10, x: 10 }, { z: 20, y: 20, x: 21 }, { z: 15, y: 25, x: 12 }], shape: [32, 32, 32], templateSize: 4 }));
    writeFileSync(join(dir, 'truth.json'), JSON.stringify({ cells: [{ z: 10, y: 11, x: 10 }, { z: 20, y: 20, x: 20 }, { z: 25, y: 8, x: 8 }, { z: 1, y: 1, x: 1 }] }));
    await writeOutput(join(dir, 'a.npy'), Uint8Array.of(1, 1, 0, 0), [1, 2, 2]);
    await writeOutput(join(dir, 'b.npy'), Uint8Array.of(1, 0, 0, 1), [1, 2, 2]);
    const lines: string[] = [];
    const io: ToolIo = { out: (l) => lines.push(l), err: () => {} };
    await main(['--detections', join(dir, 'pred.json'), '--truth', join(dir, 'truth.json'), '--vessels', join(dir, 'a.npy'), '--vessel-truth', join(dir, 'b.npy'), '-o', join(dir, 's.json')], io);
    // Border margin 4 drops the truth point at (1, 1, 1): 2 of 3 predictions match 2 of 3 true cells.
    assert.deepEqual(lines, ['F1: 0.666667', 'precision: 0.666667', 'recall: 0.666667', 'matched: 2', 'predicted: 3', 'truth: 3', 'vessel_dice: 0.5']);
    const m = parseMetrics(lines.join('\n'), 'F1: {score}', true);
    assert.equal(m.score, 0.666667);
    assert.equal(m.vessel_dice, 0.5);
    assert.equal(JSON.parse(readFileSync(join(dir, 's.json'), 'utf8')).templateSize, 4);
  });

  it('takes a label volume as truth and needs a shape', async () => {
    const labels = new Uint32Array(10 * 10 * 10);
    labels[(5 * 10 + 5) * 10 + 5] = 3;
    await writeOutput(join(dir, 'cells.npy'), labels, [10, 10, 10]);
    writeFileSync(join(dir, 'p.json'), JSON.stringify([{ z: 5, y: 5, x: 6 }]));
    const lines: string[] = [];
    await main(['--detections', join(dir, 'p.json'), '--truth', join(dir, 'cells.npy'), '--template-size', '2'], { out: (l) => lines.push(l), err: () => {} });
    assert.equal(lines[0], 'F1: 1');
    writeFileSync(join(dir, 't.json'), JSON.stringify([{ z: 5, y: 5, x: 6 }]));
    const errors: string[] = [];
    assert.equal(await runTool(main, ['--detections', join(dir, 'p.json'), '--truth', join(dir, 't.json')], { out: () => {}, err: (l) => errors.push(l) }), 2);
    assert.match(errors[0], /the volume shape is unknown/);
  });
});
