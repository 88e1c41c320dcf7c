import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDocument } from '../loader/load-document';
import type { CwlProcess } from '../model/cwl.types';
import { completeTask, failTask } from './complete-task';
import { createWorkflowState } from './create-workflow-state';
import { readyTasks } from './ready-tasks';
import { failedReason, isFinished, workflowOutputs } from './workflow-outputs';

const echo = { class: 'CommandLineTool', baseCommand: 'echo', inputs: { x: 'Any', y: 'Any?' }, outputs: { o: 'Any' }, hints: { saber: { queue: 'gpu' } } };

async function load(doc: Record<string, unknown>): Promise<CwlProcess> {
  return (await loadDocument({ inline: { cwlVersion: 'v1.2', ...doc } })).process;
}

describe('workflow state machine', () => {
  it('dispatches independent steps in parallel, once, and chains their outputs', async () => {
    const wf = await load({
      class: 'Workflow', inputs: { a: 'int', b: 'int' }, outputs: { out: { type: 'Any', outputSource: ['s1/o', 's2/o'], linkMerge: 'merge_flattened' } },
      steps: { s1: { run: echo, in: { x: 'a' }, out: ['o'] }, s2: { run: echo, in: { x: 'b' }, out: ['o'] }, s3: { run: echo, in: { x: { source: ['s1/o', 's2/o'] } }, out: ['o'] } },
    });
    let { state, tasks } = await readyTasks(createWorkflowState(wf, { a: 1, b: 2 }, 'r1'));
    assert.deepEqual(tasks.map((t) => [t.taskId, t.inputs, t.hints]), [['r1:s1', { x: 1, y: null }, { pool: 'gpu' }], ['r1:s2', { x: 2, y: null }, { pool: 'gpu' }]]);
    assert.deepEqual((await readyTasks(state)).tasks, []);
    completeTask(state, 'r1:s1', { o: [10] });
    completeTask(state, 'r1:s1', { o: ['ignored'] });
    ({ state, tasks } = await readyTasks(state));
    assert.deepEqual(tasks, []);
    completeTask(state, 'r1:s2', { o: [20] });
    ({ state, tasks } = await readyTasks(state));
    assert.deepEqual(tasks.map((t) => [t.taskId, t.inputs.x]), [['r1:s3', [[10], [20]]]]);
    assert.equal(isFinished(state), false);
    completeTask(state, 'r1:s3', { o: 'done' });
    ({ state } = await readyTasks(state));
    assert.equal(isFinished(state), true);
    assert.deepEqual(workflowOutputs(state), { out: [10, 20] });
    assert.deepEqual(JSON.parse(JSON.stringify(state)), state);
  });

  it('scatters with dotproduct, flat_crossproduct and nested_crossproduct', async () => {
    const make = (method: string) => load({
      class: 'Workflow', inputs: { xs: 'int[]', ys: 'int[]' }, outputs: { out: { type: 'Any', outputSource: 's/o' } },
      steps: { s: { run: echo, in: { x: 'xs', y: 'ys' }, out: ['o'], scatter: ['x', 'y'], scatterMethod: method } },
    });
    for (const [method, ids, out] of [
      ['dotproduct', ['r:s[0]', 'r:s[1]'], ['1/3', '2/4']],
      ['flat_crossproduct', ['r:s[0]', 'r:s[1]', 'r:s[2]', 'r:s[3]'], ['1/3', '1/4', '2/3', '2/4']],
      ['nested_crossproduct', ['r:s[0][0]', 'r:s[0][1]', 'r:s[1][0]', 'r:s[1][1]'], [['1/3', '1/4'], ['2/3', '2/4']]],
    ] as const) {
      const { state, tasks } = await readyTasks(createWorkflowState(await make(method), { xs: [1, 2], ys: [3, 4] }, 'r'));
      assert.deepEqual(tasks.map((t) => t.taskId), ids, method);
      for (const t of [...tasks].reverse()) completeTask(state, t.taskId, { o: `${t.inputs.x}/${t.inputs.y}` });
      await readyTasks(state);
      assert.deepEqual(workflowOutputs(state), { out }, method);
    }
  });

  it('applies step defaults, valueFrom and when/pickValue', async () => {
    const wf = await load({
      class: 'Workflow', requirements: { InlineJavascriptRequirement: {}, StepInputExpressionRequirement: {} },
      inputs: { n: 'int[]' }, outputs: { out: { type: 'Any', outputSource: 's/o', pickValue: 'all_non_null' } },
      steps: { s: { run: echo, in: { x: { source: 'n', valueFrom: '$(self * 10)' }, y: { default: 'd' } }, out: ['o'], scatter: 'x', when: '$(inputs.x > 10)' } },
    });
    const { state, tasks } = await readyTasks(createWorkflowState(wf, { n: [1, 2, 3] }, 'r'));
    assert.deepEqual(tasks.map((t) => [t.taskId, t.inputs]), [['r:s[1]', { x: 20, y: 'd' }], ['r:s[2]', { x: 30, y: 'd' }]]);
    completeTask(state, 'r:s[1]', { o: 'b' });
    completeTask(state, 'r:s[2]', { o: 'c' });
    await readyTasks(state);
    assert.deepEqual(workflowOutputs(state), { out: ['b', 'c'] });
  });

  it('expands subworkflows into prefixed steps', async () => {
    const inner = { class: 'Workflow', inputs: { i: 'int' }, outputs: { r: { type: 'Any', outputSource: 'leaf/o' } }, steps: { leaf: { run: echo, in: { x: 'i' }, out: ['o'] } } };
    const wf = await load({
      class: 'Workflow', requirements: { SubworkflowFeatureRequirement: {}, ScatterFeatureRequirement: {} }, inputs: { is: 'int[]' }, outputs: { out: { type: 'Any', outputSource: 'sub/r' } },
      steps: { sub: { run: inner, in: { i: 'is' }, out: ['r'], scatter: 'i' } },
    });
    const { state, tasks } = await readyTasks(createWorkflowState(wf, { is: [5, 6] }, 'r'));
    assert.deepEqual(tasks.map((t) => [t.taskId, t.stepId, t.inputs.x]), [['r:sub[0]/leaf', 'sub[0]/leaf', 5], ['r:sub[1]/leaf', 'sub[1]/leaf', 6]]);
    completeTask(state, 'r:sub[1]/leaf', { o: 'six' });
    completeTask(state, 'r:sub[0]/leaf', { o: 'five' });
    await readyTasks(state);
    assert.deepEqual(workflowOutputs(state), { out: ['five', 'six'] });
  });

  it("gives a step's requirements precedence over its workflow's", async () => {
    const wf = await load({
      class: 'Workflow',
      requirements: { ResourceRequirement: { coresMin: 4, coresMax: 4 }, EnvVarRequirement: { envDef: { A: 'wf' } } },
      inputs: {}, outputs: {},
      steps: { s: { run: { ...echo, hints: {} }, requirements: { ResourceRequirement: { coresMin: 1, coresMax: 1 } }, in: { x: { default: 1 } }, out: ['o'] } },
    });
    const { tasks } = await readyTasks(createWorkflowState(wf, {}, 'r'));
    assert.deepEqual(tasks[0].tool.requirements.map((r) => ({ ...r })), [
      { class: 'ResourceRequirement', coresMin: 1, coresMax: 1 },
      { class: 'EnvVarRequirement', envDef: { A: 'wf' } },
    ]);
  });

  it('fails the run once, ignoring later events', async () => {
    const tool = await load(echo);
    const { state, tasks } = await readyTasks(createWorkflowState(tool, { x: 1 }, 'r'));
    assert.deepEqual(tasks.map((t) => [t.taskId, t.tool.class]), [['r:main', 'CommandLineTool']]);
    failTask(state, 'r:main', 'exit code 2');
    failTask(state, 'r:main', 'again');
    completeTask(state, 'r:main', { o: 1 });
    assert.equal(isFinished(state), true);
    assert.equal(failedReason(state), 'step main: exit code 2');
    assert.equal(workflowOutputs(state), undefined);
  });

  it('handles a 10,000-element scatter in linear time with a compact state', async () => {
    const wf = await load({
      class: 'Workflow', inputs: { xs: 'int[]' }, outputs: { out: { type: 'Any', outputSource: 's/o' } },
      steps: { s: { run: echo, in: { x: 'xs' }, out: ['o'], scatter: 'x' } },
    });
    const n = 10_000;
    const started = Date.now();
    const { state, tasks } = await readyTasks(createWorkflowState(wf, { xs: Array.from({ length: n }, (_, i) => i) }, 'r'));
    assert.equal(tasks.length, n);
    for (const t of tasks) {
      completeTask(state, t.taskId, { o: t.inputs.x });
      if (Number(t.scatterIndex?.[0]) % 1000 === 0) assert.deepEqual((await readyTasks(state)).tasks, []);
    }
    await readyTasks(state);
    assert.equal((workflowOutputs(state)?.out as number[])[n - 1], n - 1);
    assert.ok(JSON.stringify(state).length < 40 * n, 'state stays compact');
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
