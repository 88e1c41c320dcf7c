import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepDefinitionError, SweepSyntaxError, parseParameterization } from '../index';

/** The issues of the SweepDefinitionError `text` raises. */
function issuesOf(text: string): readonly string[] {
  try {
    parseParameterization(text, { source: 'sweep.yml' });
  } catch (e) {
    assert.ok(e instanceof SweepDefinitionError, `expected SweepDefinitionError, got ${String(e)}`);
    return e.issues;
  }
  assert.fail('no error');
}

describe('parseParameterization: validation', () => {
  it('reports invalid YAML as file:line:column', () => {
    assert.throws(
      () => parseParameterization('x:\n  range: [1, 2\n  parameters: {abs: a}\n', { source: 'sweep.yml' }),
      (e: unknown) =>
        e instanceof SweepSyntaxError &&
        e.line === 3 && e.column === 3 &&
        e.message === 'invalid parameterization YAML: sweep.yml:3:3: missed comma between flow collection entries',
    );
    assert.throws(
      () => parseParameterization('x:\n  range: {start: 1}\n   steps: [a]\n', { source: 'sweep.yml' }),
      (e: unknown) => e instanceof SweepSyntaxError && e.issues[0] === 'sweep.yml:3:4: bad indentation of a mapping entry',
    );
  });

  it('names the field of each problem of a range', () => {
    assert.deepEqual(issuesOf('x: {range: {start: 0, stop: 10, step: 0}, parameters: {min: a, max: b}, steps: [s]}'), [
      'x.range.step: must be greater than 0, got 0',
    ]);
    assert.deepEqual(issuesOf('x: {range: {start: 0, stop: 10, step: -2.5}, parameters: {abs: a}, steps: [s]}'), [
      'x.range.step: must be greater than 0, got -2.5',
    ]);
    assert.deepEqual(issuesOf('x: {range: {start: 10, stop: 5, step: 1}, parameters: {min: a, max: b}, steps: [s]}'), [
      'x.range: start (10) must be less than stop (5)',
    ]);
    assert.deepEqual(issuesOf('x: {range: {start: "a", stop: 5, stp: 1}, parameters: {abs: a}, steps: [s]}'), [
      "x.range: unknown key 'stp' (known: start, stop, step)",
      'x.range.start: must be a number, got "a"',
    ]);
    assert.deepEqual(issuesOf('x: {range: {start: 1}, parameters: {abs: a}, steps: [s]}'), ['x.range: missing stop']);
    assert.deepEqual(issuesOf('x: {range: [], parameters: {abs: a}, steps: [s]}'), ['x.range: must not be empty']);
    assert.deepEqual(issuesOf('x: {range: [1, [2]], parameters: {abs: a}, steps: [s]}'), ['x.range[1]: must be a scalar, got a list']);
    assert.deepEqual(issuesOf('x: {range: 5, parameters: {abs: a}, steps: [s]}'), ['x.range: must be a mapping {start, stop, step} or a list, got 5']);
  });

  it('names the field of each problem of parameters, steps and the metaparameter', () => {
    assert.deepEqual(issuesOf('x: {range: [1], parameters: {min: a}, steps: [s]}'), ['x.parameters: must be {min, max} or {abs}, got {min}']);
    assert.deepEqual(issuesOf('x: {range: [1], parameters: [xmin, xmax]}'), ['x.parameters: must be {min, max} or {abs}, got a list']);
    assert.deepEqual(issuesOf('x: {range: [1, 2], parameters: {min: a, max: b}, steps: [s]}'), ['x.parameters: min/max needs a range with start, stop and step']);
    assert.deepEqual(issuesOf('x: {range: {stop: 4}, parameters: {min: a, max: b}, steps: [s]}'), ['x.parameters: min/max needs a range with start, stop and step']);
    assert.deepEqual(issuesOf('x: {range: [1], parameters: {abs: 5}, steps: s}'), [
      'x.parameters.abs: must be an input name, got 5',
      'x.steps: must be a list of step names, got "s"',
    ]);
    assert.deepEqual(issuesOf('x: {range: [1], parameters: {abs: a}, steps: [s, 3], overlap: 2}'), [
      "x: unknown key 'overlap' (known: range, parameters, steps)",
      'x.steps[1]: must be a step name, got 3',
    ]);
    assert.deepEqual(issuesOf('x: {parameters: {abs: a}}\ny: 7'), ['x: missing range', 'y: must be a mapping with range, parameters and steps, got 7']);
    assert.deepEqual(issuesOf('- a\n- b'), ['(root): must be a mapping of metaparameters, got a list']);
  });

  it('checks the block section', () => {
    assert.deepEqual(issuesOf('block: {bounds: {start: [0, 0, 0], stop: [10, 5, 8]}, size: [4, 0, 4], halo: [1, -1, 0]}'), [
      'block.size[1]: must be a positive integer, got 0',
      'block.halo[1]: must be a non-negative integer, got -1',
    ]);
    assert.deepEqual(issuesOf('block: {bounds: {start: [0, 6, 0], stop: [10, 5, 8]}, size: 4, halo: -2}'), [
      'block.bounds.y: start (6) must be less than stop (5)',
      'block.halo: must be a non-negative integer, got -2',
    ]);
    assert.deepEqual(issuesOf('block: {volume: "npy:/v.npy", bounds: {stop: 4}, size: [1, 2], sise: 3, inputs: {xmn: a, xmin: 3}}'), [
      "block: unknown key 'sise' (known: volume, bounds, size, halo, inputs)",
      'block: give volume or bounds, not both',
      'block.size: must be a positive integer or a list of 3 (z, y, x), got 2 values',
      'block.inputs.xmn: unknown block geometry (known: xmin, xmax, ymin, ymax, zmin, zmax, halo_xmin, halo_xmax, halo_ymin, halo_ymax, halo_zmin, halo_zmax, block_index, box, halo_box)',
      'block.inputs.xmin: must be a workflow input name, got 3',
    ]);
    assert.deepEqual(issuesOf('block: {bounds: {stop: [4, 4, 4.5]}}'), ['block.bounds.stop[2]: must be an integer, got 4.5']);
  });
});
