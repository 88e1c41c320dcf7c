import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SweepDefinitionError, expandIterations, parseParameterization, planSweep } from '../index';

const SWEEPS = resolve(__dirname, '../../../../test/sweeps');

function issuesOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SweepDefinitionError, String(e));
    return e.issues;
  }
  assert.fail('no error');
}

describe('planSweep', () => {
  it('takes the x/y/z min/max metaparameters of an original file as the block grid, in the original order', () => {
    const p = parseParameterization(readFileSync(resolve(SWEEPS, 'merge-test.yml'), 'utf8'));
    const plan = planSweep(p, { block: { halo: [5, 5, 5] } });
    assert.equal(plan.total, 40);
    assert.equal(plan.groups, 5);
    assert.equal(plan.geometry?.source, 'metaparameters');
    assert.deepEqual(plan.geometry?.grid.counts, [2, 2, 2]);
    assert.deepEqual(plan.geometry?.grid.spec.bounds, { start: [0, 858, 970], stop: [500, 1533, 1589] });
    assert.deepEqual(plan.geometry?.shape, [500, 1533, 1589]);
    // Same iterations as the original; iteration 5 is x0 y0 z1, template size 19.
    assert.deepEqual(Array.from({ length: 40 }, (_, i) => plan.iteration(i).steps), expandIterations(p).map((i) => i.steps));
    const it5 = plan.iteration(5);
    assert.equal(it5.group, 0);
    assert.deepEqual(it5.block, {
      index: 4, position: [1, 0, 0],
      core: { start: [250, 858, 970], stop: [500, 1208, 1320] },
      halo: { start: [245, 858, 970], stop: [500, 1213, 1325] }, // clamped to the ranges' extent
    });
    assert.equal(plan.iteration(39).group, 4);
    assert.equal(plan.iteration(39).block?.index, 7);
  });

  it('puts the blocks of a block section outermost, the metaparameters inside', () => {
    const p = parseParameterization('t: {range: [0.5, 0.7], parameters: {abs: threshold}}\nblock: {bounds: {stop: [1, 20, 30]}, size: [1, 10, 10], halo: [0, 2, 2]}');
    const plan = planSweep(p);
    assert.equal(plan.total, 12);
    assert.equal(plan.groups, 2);
    assert.deepEqual(plan.geometry?.inputs, { xmin: 'xmin', xmax: 'xmax', ymin: 'ymin', ymax: 'ymax', zmin: 'zmin', zmax: 'zmax' });
    assert.deepEqual(
      Array.from({ length: 4 }, (_, i) => [plan.iteration(i).block?.index, plan.iteration(i).group, plan.iteration(i).assignments[0]!.value.text]),
      [[0, 0, '0.5'], [0, 1, '0.7'], [1, 0, '0.5'], [1, 1, '0.7']],
    );
    assert.deepEqual(plan.iteration(11).block?.core, { start: [0, 10, 20], stop: [1, 20, 30] });
    assert.deepEqual(plan.iteration(11).block?.halo, { start: [0, 8, 18], stop: [1, 20, 30] });
  });

  it('reads the extent from the volume shape (last three axes)', () => {
    const p = parseParameterization('block: {volume: "zarr:/data/v.zarr", size: 64}');
    const plan = planSweep(p, { volumeShape: [2, 100, 128, 64] });
    assert.deepEqual(plan.geometry?.shape, [100, 128, 64]);
    assert.deepEqual(plan.geometry?.grid.counts, [2, 2, 1]);
    assert.equal(plan.geometry?.volume, 'zarr:/data/v.zarr');
    const flat = planSweep(p, { volumeShape: [128, 64] });
    assert.deepEqual(flat.geometry?.shape, [1, 128, 64]);
  });

  it('has no geometry and no groups for a plain parameter sweep', () => {
    const plan = planSweep(parseParameterization('t: {range: [1, 2, 3], parameters: {abs: a}, steps: [s]}'));
    assert.equal(plan.geometry, undefined);
    assert.equal(plan.groups, 0);
    assert.equal(plan.iteration(2).block, undefined);
  });

  it('rejects blocks given twice, blocks without an extent, and too many iterations', () => {
    const xyz = readFileSync(resolve(SWEEPS, 'full-test.yml'), 'utf8');
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization(`${xyz}\nblock: {bounds: {stop: 9}, size: 3}`))), [
      'block.size: the blocks are already given by the x, y, z metaparameters (min/max); give one or the other',
    ]);
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization('block: {size: 3}'))), ['block.size: needs the extent to cut: give block.volume or block.bounds']);
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization('block: {bounds: {stop: 9}}'))), [
      'block: no blocks to cut: give block.size, or x, y and z metaparameters with {min, max} and integer ranges',
    ]);
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization('block: {halo: 1}'), { block: { halo: [1, 1, 1] } })), [
      'block: given both in the parameterization file and in the request; give one',
      'block: no blocks to cut: give block.size, or x, y and z metaparameters with {min, max} and integer ranges',
    ]);
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization('x: {range: {start: 0, stop: 100, step: 10}, parameters: {min: a, max: b}}\nblock: {halo: 1}'))), [
      'block: the metaparameters give no range for axis z, y: give block.volume or block.bounds',
    ]);
    assert.deepEqual(issuesOf(() => planSweep(parseParameterization('block: {bounds: {stop: [100, 100, 100]}, size: 1}'), { maxIterations: 1000 })), [
      '(root): the sweep has 1000000 iterations, more than the limit of 1000',
    ]);
  });
});
