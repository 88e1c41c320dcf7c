import type { Rng } from '../random/rng';
import type { Dimension, Params } from '../space/dimension';
import type { Direction } from '../samplers/sampler.types';

/** A benchmark objective: a search space, a function to minimize or maximize, its known optimum. */
export interface TestFunction {
  name: string;
  space: Dimension[];
  direction: Direction;
  /** The best value the function can take. */
  optimum: number;
  /**
   * The value at `params`; `rng` adds noise for noisy functions (the value the
   * sampler sees). {@link TestFunction.exact} gives the noise-free value.
   */
  evaluate(params: Params, rng: Rng): number;
  /** The noise-free value (what the benchmark reports for the best trial). */
  exact(params: Params): number;
}

const f = (name: string, low: number, high: number): Dimension => ({ kind: 'float', name, low, high, log: false });

/** Branin–Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; minimum 0.397887 at three points. */
export const BRANIN: TestFunction = {
  name: 'branin',
  space: [f('x1', -5, 10), f('x2', 0, 15)],
  direction: 'minimize',
  optimum: 0.397887,
  evaluate: (p) => branin(Number(p.x1), Number(p.x2)),
  exact: (p) => branin(Number(p.x1), Number(p.x2)),
};

function branin(x1: number, x2: number): number {
  const a = 1;
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const r = 6;
  const s = 10;
  const t = 1 / (8 * Math.PI);
  return a * (x2 - b * x1 * x1 + c * x1 - r) ** 2 + s * (1 - t) * Math.cos(x1) + s;
}

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann-6 on [0, 1]^6; minimum −3.32237. */
export const HARTMANN6: TestFunction = {
  name: 'hartmann6',
  space: Array.from({ length: 6 }, (_, i) => f(`x${i + 1}`, 0, 1)),
  direction: 'minimize',
  optimum: -3.32237,
  evaluate: (p) => hartmann6(p),
  exact: (p) => hartmann6(p),
};

function hartmann6(p: Params): number {
  let sum = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (Number(p[`x${j + 1}`]) - H6_P[i]![j]!) ** 2;
    sum += H6_ALPHA[i]! * Math.exp(-inner);
  }
  return -sum;
}

/** Standard deviation of the noise of {@link NOISY4D}. */
export const NOISY4D_SIGMA = 0.1;

/**
 * A noisy 4-D function over the four parameter types (float, log-float, int,
 * categorical), shaped like a detector's tuning: minimum 0 at x = 0.3, lr = 0.01,
 * n = 7, mode = `b`; the sampler sees the value plus N(0, 0.1²) noise.
 */
export const NOISY4D: TestFunction = {
  name: 'noisy4d',
  space: [
    f('x', 0, 1),
    { kind: 'float', name: 'lr', low: 1e-4, high: 1, log: true },
    { kind: 'int', name: 'n', low: 1, high: 20, step: 1 },
    {
      kind: 'choice', name: 'mode', ordered: false,
      values: ['a', 'b', 'c'].map((v) => ({ text: v, value: v, kind: 'str' as const })),
    },
  ],
  direction: 'minimize',
  optimum: 0,
  evaluate: (p, rng) => noisy4d(p) + NOISY4D_SIGMA * rng.normal(),
  exact: (p) => noisy4d(p),
};

const MODE_PENALTY: Record<string, number> = { a: 0.3, b: 0, c: 0.6 };

function noisy4d(p: Params): number {
  const x = Number(p.x);
  const lr = Math.log10(Number(p.lr));
  const n = Number(p.n);
  return 4 * (x - 0.3) ** 2 + ((lr + 2) ** 2) / 4 + ((n - 7) / 10) ** 2 + MODE_PENALTY[String(p.mode)]!;
}

/** The three benchmark functions of `bench:optimize`. */
export const TEST_FUNCTIONS: readonly TestFunction[] = [BRANIN, HARTMANN6, NOISY4D];
