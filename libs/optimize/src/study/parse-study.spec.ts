import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SweepSyntaxError } from '@saber/sweep';
import { StudyDefinitionError } from './study-errors';
import { parseStudy } from './parse-study';

/** The issues of an invalid study. */
function issues(text: string): readonly string[] {
  try {
    parseStudy(text, { source: 'study.yml' });
  } catch (e) {
    if (e instanceof StudyDefinitionError) return e.issues;
    throw e;
  }
  assert.fail('the study was accepted');
}

describe('parseStudy', () => {
  it('reads the original format: metaparameters with range and the sampler block (random with max_iterations)', () => {
    const s = parseStudy(
      [
        'sampler: {method: random, max_iterations: 4, seed: 3}',
        'initial_template_size:',
        '  range: [19, 20, 34, 12, 16]',
        '  parameters: {abs: initial_template_size}',
        '  steps: [cell_detect]',
        'threshold:',
        '  range: {start: 0.1, stop: 0.4, step: 0.1}',
        '  parameters: {abs: threshold}',
        '  steps: [cell_detect]',
      ].join('\n'),
      { source: 'params.yml' },
    );
    assert.deepEqual(s.sampler, { method: 'random', seed: 3 });
    assert.deepEqual(s.budget, { trials: 4 });
    assert.equal(s.parallel, 1);
    assert.deepEqual(s.objective, { direction: 'maximize', aggregation: 'mean', earlyStopping: false });
    assert.deepEqual(s.parameters.map((p) => [p.dimension.name, p.input, p.steps, p.form]), [
      ['initial_template_size', 'initial_template_size', ['cell_detect'], 'range'],
      ['threshold', 'threshold', ['cell_detect'], 'range'],
    ]);
    const t = s.space[1]!;
    assert.ok(t.kind === 'choice' && t.ordered);
    // numpy.arange(0.1, 0.4, 0.1) has 4 values (ceil(3.0000000000000004)), as the original swept.
    assert.deepEqual(t.kind === 'choice' && t.values.map((v) => v.text), ['0.1', '0.2', '0.30000000000000004', '0.4']);
    assert.equal(s.blocks, undefined);
  });

  it('reads typed parameters, objective, budget and parallel; x/y/z block metaparameters make each trial a block sweep', () => {
    const s = parseStudy(
      [
        'sampler: {method: tpe, seed: 1, startup: 5}',
        'objective: {metric: cell_detect.score, direction: maximize, aggregation: voxel-weighted, bounds: [0, 1], early_stopping: true}',
        'budget: {trials: 30, seconds: 3600}',
        'parallel: 4',
        'x: {range: {start: 0, stop: 100, step: 50}, parameters: {min: xmin, max: xmax}, steps: [pull]}',
        'stop: {space: {type: float, low: 0.3, high: 0.7}, parameters: {abs: stop}, steps: [cell_detect]}',
        'lr: {space: {type: log-float, low: 1.0e-4, high: 0.1}}',
        'size: {space: {type: int, low: 12, high: 34, step: 2}}',
        'mode: {space: {type: categorical, choices: [fast, exact]}}',
      ].join('\n'),
    );
    assert.deepEqual(s.space, [
      { kind: 'float', name: 'stop', low: 0.3, high: 0.7, log: false },
      { kind: 'float', name: 'lr', low: 0.0001, high: 0.1, log: true },
      { kind: 'int', name: 'size', low: 12, high: 34, step: 2 },
      { kind: 'choice', name: 'mode', values: [{ text: 'fast', value: 'fast', kind: 'str' }, { text: 'exact', value: 'exact', kind: 'str' }], ordered: false },
    ]);
    assert.deepEqual(s.parameters.map((p) => p.input), ['stop', 'lr', 'size', 'mode']);
    assert.deepEqual(s.objective, { metric: 'cell_detect.score', direction: 'maximize', aggregation: 'voxel-weighted', bounds: [0, 1], earlyStopping: true });
    assert.deepEqual(s.budget, { trials: 30, seconds: 3600 });
    assert.equal(s.parallel, 4);
    assert.equal(s.blocks!.parameterization, 'x:\n  range: {start: 0, stop: 100, step: 50}\n  parameters: {min: "xmin", max: "xmax"}\n  steps: ["pull"]\n');
    assert.deepEqual(s.warnings, []);
  });

  it('a grid without a budget runs every point; batch-grid runs batch_size at a time', () => {
    const s = parseStudy('sampler: {method: batch-grid, batch_size: 2}\nt: {range: [1, 2, 3], parameters: {abs: t}}\n');
    assert.deepEqual([s.budget.trials, s.parallel], [3, 2]);
  });

  it('rejects an unknown parameter type, method, key, with the known ones', () => {
    assert.deepEqual(issues('sampler: {method: bayes}\nt: {space: {type: double, low: 0, high: 1}, parameter: {abs: t}}\n'), [
      "sampler.method: unknown method \"bayes\" (known: grid, random, batch-grid, resampling, tpe)",
      "t: unknown key 'parameter' (known: space, parameters, steps)",
      't.space.type: unknown type "double" (known: int, float, log-float, categorical)',
    ]);
    assert.deepEqual(issues('sampler: {method: grid, batch_size: 2}\nt: {range: [1, 2]}\n'), [
      "sampler: unknown key 'batch_size' (known for grid: method, max_iterations, seed)",
      't: missing parameters',
    ]);
  });

  it('rejects empty ranges', () => {
    assert.deepEqual(
      issues(
        [
          'sampler: {method: random, max_iterations: 5}',
          'a: {range: [], parameters: {abs: a}}',
          'b: {range: {start: 5, stop: 5, step: 1}, parameters: {abs: b}}',
          'c: {space: {type: float, low: 0.7, high: 0.3}}',
          'd: {space: {type: int, low: 3, high: 1}}',
          'e: {space: {type: categorical, choices: []}}',
          'f: {space: {type: log-float, low: 0, high: 1}}',
        ].join('\n'),
      ),
      [
        'c.space: empty range: low 0.7 is not less than high 0.3',
        'd.space: empty range: low 3 is greater than high 1',
        'e.space.choices: empty: give at least one value',
        'f.space.low: must be greater than 0 for log-float, got 0',
        'a.range: must not be empty',
        'b.range: start (5) must be less than stop (5)',
      ],
    );
  });

  it('rejects an infeasible budget', () => {
    const grid = 'a: {range: [1, 2, 3], parameters: {abs: a}}\nb: {range: [x, y], parameters: {abs: b}}\n';
    assert.deepEqual(issues(`sampler: {method: grid}\nbudget: {trials: 7}\n${grid}`), ['budget.trials: 7 trials exceed the 6 points of the grid (grid runs each point once)']);
    assert.deepEqual(issues(`sampler: {method: random}\nbudget: {trials: 7}\n${grid}`), [
      'budget.trials: 7 trials exceed the 6 distinct points of the search space (random does not repeat a point; sampler.replacement: true allows repeats)',
    ]);
    assert.doesNotThrow(() => parseStudy(`sampler: {method: random, replacement: true}\nbudget: {trials: 7}\n${grid}`));
    assert.deepEqual(issues(`sampler: {method: tpe}\n${grid}`), ['budget: missing: tpe needs budget.trials (or sampler.max_iterations) and/or budget.seconds']);
    assert.deepEqual(issues('sampler: {method: grid}\nt: {space: {type: float, low: 0, high: 1}}\n'), [
      'sampler.method: grid needs a finite set of values per parameter; t (float 0..1) has neither step nor points',
    ]);
    assert.deepEqual(issues('sampler: {method: random, max_iterations: 10}\nbudget: {trials: 0, seconds: -1}\nt: {space: {type: float, low: 0, high: 1}}\n'), [
      'budget.trials: must be an integer from 1 to 2000, got 0',
      'budget.seconds: must be greater than 0, got -1',
    ]);
    assert.deepEqual(issues('sampler: {method: random, max_iterations: 10}\nbudget: {trials: 20}\nt: {space: {type: float, low: 0, high: 1}}\n'), [
      'budget.trials: 20 disagrees with sampler.max_iterations (10); give one',
    ]);
    assert.deepEqual(issues('sampler: {method: grid}\na: {range: {start: 0, stop: 100, step: 1}, parameters: {abs: a}}\nb: {range: {start: 0, stop: 100, step: 1}, parameters: {abs: b}}\n'), [
      'budget.trials: the grid has 10000 points, more than a study may run (2000); give budget.trials to run the first ones',
    ]);
  });

  it('rejects a malformed objective and early stopping without bounds or blocks', () => {
    assert.deepEqual(issues('sampler: {method: random, max_iterations: 3}\nobjective: {metric: f1, direction: up, early_stopping: true}\nt: {space: {type: float, low: 0, high: 1}}\n'), [
      'objective.metric: must be <step>.<metric>, e.g. detect.score, got "f1"',
      'objective.direction: must be maximize or minimize, got "up"',
      'objective.early_stopping: needs objective.bounds, the range the metric can take (e.g. [0, 1] for F1)',
      'objective.early_stopping: only trials with a block sweep report partial scores, and this study has no blocks',
    ]);
  });

  it('rejects a file without sampler or parameters, and reports YAML errors with their position', () => {
    assert.deepEqual(issues('t: {space: {type: float, low: 0, high: 1}}\n'), ['sampler: missing: a study needs sampler.method (one of grid, random, batch-grid, resampling, tpe)']);
    assert.deepEqual(issues('sampler: {method: grid}\n'), ['(root): the study has no parameters to tune: add a metaparameter with range (the original format) or space']);
    assert.throws(() => parseStudy('sampler: [\n', { source: 'study.yml' }), (e: unknown) => e instanceof SweepSyntaxError && /^study\.yml:\d+:\d+: /.test(e.issues[0]!));
  });

  it('warns when TPE would never leave its random start', () => {
    assert.deepEqual(parseStudy('sampler: {method: tpe, max_iterations: 5}\nt: {space: {type: float, low: 0, high: 1}}\n').warnings, [
      'sampler.startup: TPE models the objective after 8 trials; with 5 trials this study is a random search',
    ]);
  });
});
