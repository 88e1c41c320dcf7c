import { coerceValue, pythonFloatRepr, type Metaparameter, type ParameterValue, type Parameterization, type SweepBinding } from '@saber/sweep';
import { parameterValue, type Dimension, type Params } from '../space/dimension';
import type { StudySpec } from './study-spec';

/** Values that stand for a dimension when its binding is type-checked (its bounds, or every choice). */
function representatives(d: Dimension): ParameterValue[] {
  if (d.kind === 'choice') return d.values;
  if (d.kind === 'int') return [d.low, d.high].map((v) => ({ text: String(v), value: v, kind: 'int' as const }));
  return [d.low, d.high].map((v) => ({ text: pythonFloatRepr(v), value: v, kind: 'float' as const }));
}

/**
 * The study as a parameterization of `@saber/sweep` (the block metaparameters, each
 * tuned parameter as a value-mode metaparameter over representative values, and the
 * block section), to bind it to a workflow with `planSweep` + `bindSweep`: the same
 * rules and messages as a sweep (a step or input that does not exist, a value that
 * does not fit the input's type, two parameters setting one input).
 */
export function studyParameterization(spec: StudySpec): Parameterization {
  const tuned: Metaparameter[] = spec.parameters.map((p) => ({
    name: p.dimension.name,
    range: { kind: 'list', values: representatives(p.dimension) },
    parameters: { mode: 'abs', abs: p.input },
    ...(p.steps ? { steps: p.steps } : {}),
  }));
  return {
    source: spec.source,
    metaparameters: [...(spec.blocks?.metaparameters ?? []), ...tuned],
    ...(spec.blocks?.block ? { block: spec.blocks.block } : {}),
  };
}

/** The workflow inputs a trial with `params` sets (to merge over the job's inputs), typed as the inputs. */
export function trialInputs(spec: StudySpec, binding: SweepBinding, params: Params): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  for (const p of spec.parameters) {
    const value = parameterValue(p.dimension, params[p.dimension.name] ?? null);
    for (const t of binding.parameters[`${p.dimension.name}.abs`] ?? []) inputs[t.input] = coerceValue(value, t.kind);
  }
  return inputs;
}
