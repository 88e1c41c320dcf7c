import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SweepBindingError, bindSweep, iterationInputs, parseParameterization, planSweep, type WorkflowShape } from '../index';

const SWEEPS = resolve(__dirname, '../../../../test/sweeps');

/** The wiring of the original merge_test_xbrain.cwl, reduced to what the binding reads. */
const MERGE_TEST: WorkflowShape = {
  class: 'Workflow',
  inputs: [
    ...['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax', 'padding', 'initial_template_size'].map((id) => ({ id, type: ['null', 'int'] })),
    { id: 'coll_name', type: 'string' },
    { id: 'detect_threshold', type: ['null', 'float'] },
  ],
  steps: [
    { id: 'boss_pull', in: ['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax', 'padding'].map((id) => ({ id, source: [id] })) },
    { id: 'cell_detect', in: [{ id: 'input', source: ['boss_pull/pull_output'] }, { id: 'initial_template_size', source: ['initial_template_size'] }, { id: 'threshold', source: ['detect_threshold'] }] },
    { id: 'boss_merge', in: [...['xmin', 'xmax', 'ymin', 'ymax', 'zmin', 'zmax'].map((id) => ({ id, source: [id] })), { id: 'coll_name', source: ['coll_name'] }] },
  ],
};

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SweepBindingError, String(e));
    return e.issues;
  }
  assert.fail('no error');
}

describe('bindSweep', () => {
  it('sets the workflow inputs the listed step inputs are wired to, typed as the inputs', () => {
    const plan = planSweep(parseParameterization(readFileSync(resolve(SWEEPS, 'merge-test.yml'), 'utf8')));
    const binding = bindSweep(plan, MERGE_TEST);
    assert.deepEqual(binding.warnings, []);
    assert.deepEqual(binding.blockMetaparameters, ['x', 'y', 'z']);
    assert.deepEqual(iterationInputs(binding, plan.iteration(0)), {
      inputs: { xmin: 970, xmax: 1320, ymin: 858, ymax: 1208, zmin: 0, zmax: 250, initial_template_size: 19 },
      groupInputs: { initial_template_size: 19 },
    });
    assert.deepEqual(iterationInputs(binding, plan.iteration(39)).inputs, { xmin: 1320, xmax: 1589, ymin: 1208, ymax: 1533, zmin: 250, zmax: 500, initial_template_size: 16 });
  });

  it('gives string inputs Python str(), block geometry to the mapped inputs, and warns about unlisted steps', () => {
    const plan = planSweep(
      parseParameterization(
        [
          't: {range: {start: 0.1, stop: 0.3, step: 0.1}, parameters: {abs: coll_name}, steps: [boss_merge]}',
          'block: {bounds: {stop: [4, 4, 8]}, size: [4, 4, 4], halo: 1, inputs: {xmin: xmin, halo_xmax: xmax, block_index: padding}}',
        ].join('\n'),
      ),
    );
    const binding = bindSweep(plan, MERGE_TEST);
    assert.deepEqual(iterationInputs(binding, plan.iteration(3)), {
      inputs: { coll_name: '0.2', xmin: 4, xmax: 8, padding: 1 },
      groupInputs: { coll_name: '0.2' },
    });
    const plan2 = planSweep(parseParameterization('x: {range: {start: 0, stop: 8, step: 4}, parameters: {min: xmin, max: xmax}, steps: [boss_pull]}'));
    assert.deepEqual(bindSweep(plan2, MERGE_TEST).warnings, [
      "workflow input 'xmin' also feeds step 'boss_merge', which x.steps does not list; it receives the swept values too",
      "workflow input 'xmax' also feeds step 'boss_merge', which x.steps does not list; it receives the swept values too",
    ]);
  });

  it('gives box and halo_box as z0:z1,y0:y1,x0:x1 strings, and only to string inputs', () => {
    const tool: WorkflowShape = { class: 'CommandLineTool', inputs: [{ id: 'core', type: 'string' }, { id: 'read', type: 'string?' }, { id: 'n', type: 'int' }] };
    const plan = planSweep(parseParameterization('block: {bounds: {stop: [10, 8, 8]}, size: [4, 8, 5], halo: [2, 0, 1], inputs: {box: core, halo_box: read}}'));
    assert.equal(plan.geometry?.grid.total, 6);
    assert.deepEqual(iterationInputs(bindSweep(plan, tool), plan.iteration(3)).inputs, { core: '4:8,0:8,5:8', read: '2:10,0:8,4:8' });
    assert.deepEqual(iterationInputs(bindSweep(plan, tool), plan.iteration(5)).inputs, { core: '8:10,0:8,5:8', read: '6:10,0:8,4:8' });
    assert.deepEqual(issuesOf(() => bindSweep(planSweep(parseParameterization('block: {bounds: {stop: [4, 4, 4]}, size: 2, inputs: {box: n}}')), tool)), [
      "block.inputs.box: workflow input 'n' is int; box is a string (z0:z1,y0:y1,x0:x1)",
    ]);
  });

  it('names every input without steps directly, for a tool', () => {
    const tool: WorkflowShape = { class: 'CommandLineTool', inputs: [{ id: 'size', type: 'long' }, { id: 'mode', type: { type: 'enum', symbols: ['a', 'b'] } }] };
    const plan = planSweep(parseParameterization('s: {range: [3, 4], parameters: {abs: size}}\nm: {range: [a], parameters: {abs: mode}}'));
    assert.deepEqual(iterationInputs(bindSweep(plan, tool), plan.iteration(1)).inputs, { size: 4, mode: 'a' });
    assert.deepEqual(issuesOf(() => bindSweep(planSweep(parseParameterization('s: {range: [3], parameters: {abs: size}, steps: [main]}')), tool)), [
      's.steps: a CommandLineTool has no steps; leave steps out to name its inputs directly',
    ]);
  });

  it('lists every input it cannot set', () => {
    const text = [
      'a: {range: [1], parameters: {abs: xmin}, steps: [boss_pul, boss_pull]}',
      'b: {range: [1], parameters: {abs: input}, steps: [cell_detect]}',
      'c: {range: [1], parameters: {abs: nope}, steps: [cell_detect]}',
      'd: {range: [0.5], parameters: {abs: initial_template_size}, steps: [cell_detect]}',
      'e: {range: [2], parameters: {abs: xmin}, steps: [boss_merge]}',
      'f: {range: [1], parameters: {abs: missing}}',
      'block: {bounds: {stop: 4}, size: 2, inputs: {zmin: coll, zmax: zmax}}',
    ].join('\n');
    assert.deepEqual(issuesOf(() => bindSweep(planSweep(parseParameterization(text)), MERGE_TEST)), [
      "a.steps: no step 'boss_pul' in the workflow (steps: boss_pull, cell_detect, boss_merge)",
      "b.parameters.abs: input 'input' of step 'cell_detect' is not wired to a workflow input, so SABER cannot set it",
      "c.parameters.abs: step 'cell_detect' has no input 'nope'",
      "d.range: value 0.5 does not fit workflow input 'initial_template_size' (int)",
      "e.parameters.abs: workflow input 'xmin' already receives a.parameters.abs",
      "f.parameters.abs: no workflow input 'missing' (inputs: xmin, xmax, ymin, ymax, zmin, zmax, padding, initial_template_size, coll_name, detect_threshold)",
      "block.inputs.zmin: no workflow input 'coll' (inputs: xmin, xmax, ymin, ymax, zmin, zmax, padding, initial_template_size, coll_name, detect_threshold)",
    ]);
  });
});
