// The test functions of @saber/optimize (Branin, Hartmann-6, a noisy 4-D function) as bench objectives.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { TEST_FUNCTIONS } = require('@saber/optimize');

/** One objective per test function: space, direction, evaluate(params, rng) (what the sampler sees), exact(params) (what is reported). */
export const testFunctionObjectives = TEST_FUNCTIONS.map((f) => ({
  name: f.name,
  kind: 'function',
  available: true,
  space: f.space,
  direction: f.direction,
  optimum: f.optimum,
  evaluate: (params, rng) => f.evaluate(params, rng),
  exact: (params) => f.exact(params),
}));
