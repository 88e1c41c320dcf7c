import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { expandIterations, iterationAt, iterationCount, parseParameterization, pythonFloatRepr } from '../index';

const SWEEPS = resolve(__dirname, '../../../../test/sweeps');
const load = (name: string) => parseParameterization(readFileSync(resolve(SWEEPS, name), 'utf8'), { source: name });

/** Values of one metaparameter of the expected grid, computed by hand from the original's rule. */
type Pairs = Array<[string, string]>;

describe('expandIterations: the original parameterize(p)', () => {
  it('expands merge_test (x/y/z min/max blocks × an abs template-size list) into the original 40 iterations', () => {
    const p = load('merge-test.yml');
    assert.deepEqual(p.metaparameters.map((m) => m.name), ['x', 'y', 'z', 'initial_template_size']);
    // numpy.arange(970, 1589, 350) = [970, 1320]; max = min(v + 350, 1589): 1320, 1589 (truncated at stop).
    const x: Pairs = [['970', '1320'], ['1320', '1589']];
    const y: Pairs = [['858', '1208'], ['1208', '1533']];
    const z: Pairs = [['0', '250'], ['250', '500']];
    const t = ['19', '20', '34', '12', '16'];
    const expected: Array<Record<string, Record<string, string>>> = [];
    // itertools.product: the first metaparameter is the outermost loop, the last varies fastest.
    for (const [xmin, xmax] of x) {
      for (const [ymin, ymax] of y) {
        for (const [zmin, zmax] of z) {
          for (const size of t) {
            const block = { xmin, xmax, ymin, ymax, zmin, zmax };
            expected.push({ boss_merge: block, boss_pull: { ...block }, cell_detect: { initial_template_size: size } });
          }
        }
      }
    }
    const its = expandIterations(p);
    assert.equal(its.length, 40);
    assert.equal(iterationCount(p), 40);
    assert.deepEqual(its.map((i) => i.steps), expected);
    assert.deepEqual(its.map((i) => i.index), [...Array(40).keys()]);
    // Spot checks written out in full.
    assert.deepEqual(its[5]!.steps, {
      boss_merge: { xmin: '970', xmax: '1320', ymin: '858', ymax: '1208', zmin: '250', zmax: '500' },
      boss_pull: { xmin: '970', xmax: '1320', ymin: '858', ymax: '1208', zmin: '250', zmax: '500' },
      cell_detect: { initial_template_size: '19' },
    });
    assert.deepEqual(its[39]!.steps.boss_pull, { xmin: '1320', xmax: '1589', ymin: '1208', ymax: '1533', zmin: '250', zmax: '500' });
    assert.deepEqual(its[39]!.steps.cell_detect, { initial_template_size: '16' });
    assert.deepEqual(iterationAt(p, 21), its[21]);
  });

  it('truncates the last block at stop: full_test is 3 × 3 × 3 = 27 blocks', () => {
    const its = expandIterations(load('full-test.yml'));
    assert.equal(its.length, 27);
    const pairs = (axis: string) => [...new Set(its.map((i) => `${i.steps.boss_pull![`${axis}min`]}-${i.steps.boss_pull![`${axis}max`]}`))];
    assert.deepEqual(pairs('x'), ['4300-4800', '4800-5300', '5300-5800']);
    assert.deepEqual(pairs('y'), ['0-500', '500-1000', '1000-1400']);
    assert.deepEqual(pairs('z'), ['0-300', '300-600', '600-719']);
    assert.deepEqual(its[26]!.steps.boss_pull, { xmin: '5300', xmax: '5800', ymin: '1000', ymax: '1400', zmin: '600', zmax: '719' });
    assert.deepEqual(its[1]!.steps.boss_push, { xmin: '4300', xmax: '4800', ymin: '0', ymax: '500', zmin: '300', zmax: '600' });
  });

  it('formats values as Python str() of numpy values: float aranges, truncated float maxima', () => {
    const p = parseParameterization(
      [
        't: {range: {start: 0.1, stop: 0.5, step: 0.1}, parameters: {abs: threshold}, steps: [s]}',
        'u: {range: {start: 1, stop: 1.3, step: 0.1}, parameters: {abs: stop}, steps: [s]}',
        'v: {range: {start: 0, stop: 1, step: 0.3}, parameters: {min: lo, max: hi}, steps: [s]}',
        'w: {range: {start: 0.5, stop: 2, step: 0.5}, parameters: {min: a, max: b}, steps: [s]}',
      ].join('\n'),
    );
    const values = (name: string, role: string) => [...new Set(expandIterations(p).map((i) => i.assignments.find((a) => a.metaparameter === name && a.role === role)!.value.text))];
    // numpy fills float64 aranges as start + i * ((start + step) - start).
    assert.deepEqual(values('t', 'abs'), ['0.1', '0.2', '0.30000000000000004', '0.4']);
    assert.deepEqual(values('u', 'abs'), ['1.0', '1.1', '1.2000000000000002', '1.3000000000000003']);
    assert.deepEqual(values('v', 'min'), ['0.0', '0.3', '0.6', '0.8999999999999999']);
    // min(v + step, stop) returns stop (a Python int: "1") when it is smaller...
    assert.deepEqual(values('v', 'max'), ['0.3', '0.6', '0.8999999999999999', '1']);
    // ...and v + step (a float: "2.0") when they are equal.
    assert.deepEqual(values('w', 'max'), ['1.0', '1.5', '2.0']);
    assert.equal(iterationCount(p), 4 * 4 * 4 * 3);
  });

  it('types list values as PyYAML does (YAML 1.1) and keeps them verbatim', () => {
    const p = parseParameterization("m: {range: [1.0, yes, 1e3, 017, 0x1f, ~, 'a b', 1_000, 1:20, -0.5], parameters: {abs: v}, steps: [s]}");
    assert.deepEqual(
      expandIterations(p).map((i) => i.steps.s!.v),
      ['1.0', 'True', '1e3', '15', '31', 'None', 'a b', '1000', '80', '-0.5'],
    );
  });

  it('has one empty iteration without metaparameters, and takes out sampler and block', () => {
    const p = parseParameterization('sampler: {method: grid}\nblock: {bounds: {stop: [1, 2, 3]}, size: 1}\n');
    assert.deepEqual(p.sampler, { method: 'grid' });
    assert.deepEqual(p.block, { bounds: { start: [0, 0, 0], stop: [1, 2, 3] }, size: [1, 1, 1] });
    assert.deepEqual(expandIterations(p), [{ index: 0, steps: {}, assignments: [] }]);
    assert.deepEqual(expandIterations(parseParameterization('')), [{ index: 0, steps: {}, assignments: [] }]);
  });

  it('puts a value only into the steps its own metaparameter lists', () => {
    // The original shared one dict between x's steps, so z (listing only a) leaked into b.
    const p = parseParameterization('x: {range: [1], parameters: {abs: p}, steps: [a, b]}\nz: {range: [2], parameters: {abs: q}, steps: [a]}');
    assert.deepEqual(expandIterations(p)[0]!.steps, { a: { p: '1', q: '2' }, b: { p: '1' } });
  });

  it('formats floats like Python repr', () => {
    assert.deepEqual(
      [1, 0.1, 1e-5, 0.0001, 1e16, 1.5e16, 123456789012345680, -2.5, 1234.5, 1e15].map(pythonFloatRepr),
      ['1.0', '0.1', '1e-05', '0.0001', '1e+16', '1.5e+16', '1.2345678901234568e+17', '-2.5', '1234.5', '1000000000000000.0'],
    );
  });
});
