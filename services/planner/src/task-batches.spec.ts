import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TaskSpec } from '@saber/cwl';
import { DISPATCH_SPREAD, elementsPerMessage, groupTasks } from './task-batches';

const spec = (stepId: string, i: number, tool: object, hints: Record<string, unknown> = {}): TaskSpec =>
  ({ taskId: `r:${stepId}[${i}]`, stepId, tool, inputs: { i }, hints }) as unknown as TaskSpec;

describe('task batches', () => {
  it('spreads a scatter over at least DISPATCH_SPREAD messages and at most maxBatch elements each', () => {
    assert.equal(DISPATCH_SPREAD, 16);
    assert.equal(elementsPerMessage(1000, 16), 16);
    assert.equal(elementsPerMessage(1000, 64), 63); // 16 messages
    assert.equal(elementsPerMessage(10_000, 64), 64);
    assert.equal(elementsPerMessage(20, 16), 2);
    assert.equal(elementsPerMessage(16, 16), 1);
    assert.equal(elementsPerMessage(5, 16), 1);
    assert.equal(elementsPerMessage(1000, 1), 1, 'batch 1 disables batching');
  });

  it('batches elements that share step, pool, tool and hints; keeps others apart and in order', () => {
    const toolA = { class: 'CommandLineTool' };
    const toolB = { class: 'CommandLineTool' };
    const tasks = [
      ...Array.from({ length: 40 }, (_, i) => ({ pool: 'default', spec: spec('a', i, toolA) })),
      { pool: 'default', spec: spec('b', 0, toolB) },
      { pool: 'gpu', spec: spec('a', 40, toolA) },
      { pool: 'default', spec: spec('a', 41, toolA, { pool: 'x' }) },
    ];
    const groups = groupTasks(tasks, 16);
    assert.deepEqual(
      groups.map((g) => [g.pool, g.specs.map((s) => s.taskId).join(',')]),
      [
        ...Array.from({ length: 14 }, (_, k) => ['default', Array.from({ length: 3 }, (_, j) => `r:a[${k * 3 + j}]`).filter((id) => Number(/\d+/.exec(id.slice(4))![0]) < 40).join(',')]),
        ['default', 'r:b[0]'],
        ['gpu', 'r:a[40]'],
        ['default', 'r:a[41]'],
      ],
    );
  });
});
