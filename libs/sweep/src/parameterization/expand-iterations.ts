import { blockMax, rangeLength, rangeValue } from './arange';
import type { Assignment, Iteration, Metaparameter, Parameterization } from './parameterization.types';

/**
 * Iterations of the cartesian product (`itertools.product` over the metaparameters
 * in file order). A file without metaparameters has one, empty, iteration, as in
 * the original.
 */
export function iterationCount(p: Pick<Parameterization, 'metaparameters'>): number {
  return p.metaparameters.reduce((n, m) => n * rangeLength(m.range), 1);
}

/** The values metaparameter `m` assigns at position `i` of its range. */
export function assignmentsOf(m: Metaparameter, i: number): Assignment[] {
  const v = rangeValue(m.range, i);
  const base = { metaparameter: m.name, ...(m.steps ? { steps: m.steps } : {}) };
  if (m.parameters.mode === 'abs') return [{ ...base, role: 'abs', input: m.parameters.abs, value: v }];
  if (m.range.kind !== 'arange') throw new TypeError(`${m.name}: min/max needs a range with start, stop and step`);
  return [
    { ...base, role: 'min', input: m.parameters.min, value: v },
    { ...base, role: 'max', input: m.parameters.max, value: blockMax(m.range, v.value as number) },
  ];
}

/** Positions in each metaparameter's range of iteration `index` (the last metaparameter varies fastest). */
export function iterationDigits(p: Pick<Parameterization, 'metaparameters'>, index: number): number[] {
  const digits = new Array<number>(p.metaparameters.length);
  let rest = index;
  for (let j = p.metaparameters.length - 1; j >= 0; j--) {
    const n = rangeLength(p.metaparameters[j]!.range);
    digits[j] = rest % n;
    rest = Math.floor(rest / n);
  }
  return digits;
}

/**
 * Iteration `index` of the product, without building the others. `steps` is the
 * original's dict (step → input → `str(value)`); unlike the original, a value goes
 * only to the steps its own metaparameter lists (the original shared one dict between
 * the steps of a metaparameter, so a later metaparameter could leak into them).
 *
 * @throws RangeError outside `[0, iterationCount(p))`
 */
export function iterationAt(p: Pick<Parameterization, 'metaparameters'>, index: number): Iteration {
  const total = iterationCount(p);
  if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`iteration ${index} is outside [0, ${total})`);
  const digits = iterationDigits(p, index);
  const iteration: Iteration = { index, steps: {}, assignments: [] };
  p.metaparameters.forEach((m, j) => {
    for (const a of assignmentsOf(m, digits[j]!)) {
      iteration.assignments.push(a);
      for (const step of a.steps ?? []) (iteration.steps[step] ??= {})[a.input] = a.value.text;
    }
  });
  return iteration;
}

/**
 * Every iteration, in the original's order: what `conduit parse -p` expanded the file
 * into (`parameterize(p)`), one independent sub-workflow each.
 */
export function expandIterations(p: Pick<Parameterization, 'metaparameters'>): Iteration[] {
  return Array.from({ length: iterationCount(p) }, (_, i) => iterationAt(p, i));
}
