import type { Block } from '../blocks/block-grid';
import { AXES, BOX_GEOMETRY_NAMES, type BlockGeometryName } from '../blocks/block-section';
import { SweepBindingError } from '../errors/sweep-errors';
import { blockMax, rangeLength, rangeValue } from '../parameterization/arange';
import type { Metaparameter } from '../parameterization/parameterization.types';
import type { PlannedIteration, SweepPlan } from '../plan/plan-sweep';
import { numberValue, type ParameterValue } from '../yaml/python-values';
import { coerceValue, inputKind, type InputKind } from './input-kind';

/**
 * The part of a (normalized) CWL process the binding reads; `LoadedProcess.process`
 * of `@saber/cwl` fits it.
 */
export interface WorkflowShape {
  class: string;
  inputs: ReadonlyArray<{ id: string; type?: unknown }>;
  steps?: ReadonlyArray<{ id: string; in: ReadonlyArray<{ id: string; source?: readonly string[] }> }>;
}

/** A workflow input that receives a swept value, and how the value is given to it. */
export interface BoundInput {
  input: string;
  kind: InputKind;
}

/**
 * Where every swept value goes in the workflow's inputs. Plain JSON: it is stored
 * with a sweep's state, so that a restarted blocker needs neither the workflow nor
 * the volume again.
 */
export interface SweepBinding {
  /** `<metaparameter>.<min|max|abs>` → the workflow inputs it sets. */
  parameters: Record<string, BoundInput[]>;
  /** Block geometry → workflow input. */
  geometry: Partial<Record<BlockGeometryName, BoundInput>>;
  /** Metaparameters that are block axes (their values are block bounds, not merge parameters). */
  blockMetaparameters: string[];
  /** Differences from the original a user should know about (an input that feeds more steps than listed). */
  warnings: string[];
}

/**
 * The geometry values of a block: core bounds, halo bounds and index (integers), and the
 * core and halo boxes as `z0:z1,y0:y1,x0:x1` strings (`box`, `halo_box`).
 */
export function blockGeometryValues(block: Block): Record<BlockGeometryName, number | string> {
  const g = {} as Record<BlockGeometryName, number | string>;
  AXES.forEach((axis, a) => {
    g[`${axis}min`] = block.core.start[a]!;
    g[`${axis}max`] = block.core.stop[a]!;
    g[`halo_${axis}min`] = block.halo.start[a]!;
    g[`halo_${axis}max`] = block.halo.stop[a]!;
  });
  g.block_index = block.index;
  const text = (b: { start: readonly number[]; stop: readonly number[] }) => [0, 1, 2].map((a) => `${b.start[a]}:${b.stop[a]}`).join(',');
  g.box = text(block.core);
  g.halo_box = text(block.halo);
  return g;
}

/** Every value a metaparameter gives to one of its targets. */
function valuesOf(m: Metaparameter, role: 'min' | 'max' | 'abs'): ParameterValue[] {
  return Array.from({ length: rangeLength(m.range) }, (_, i) => {
    const v = rangeValue(m.range, i);
    return role === 'max' && m.range.kind === 'arange' ? blockMax(m.range, v.value as number) : v;
  });
}

const describeKind = (kind: InputKind) => (kind === 'file' ? 'File' : kind === 'directory' ? 'Directory' : kind);

/**
 * Binds a plan to its workflow. A metaparameter with `steps` names step inputs, as in
 * the original: each must be wired to a workflow input, which then receives the
 * value (the original overrode the step input itself; a workflow input that also
 * feeds unlisted steps gives them the value too, reported in `warnings`). Without
 * `steps` the names are workflow inputs. Every value is checked against the input's
 * type.
 *
 * @throws SweepBindingError listing every problem
 */
export function bindSweep(plan: SweepPlan, workflow: WorkflowShape): SweepBinding {
  const issues: string[] = [];
  const warnings = new Set<string>();
  const inputs = new Map(workflow.inputs.map((i) => [i.id, i]));
  const steps = new Map((workflow.steps ?? []).map((s) => [s.id, s]));
  const owner = new Map<string, string>(); // workflow input → who sets it
  const kindOf = (input: string, at: string): InputKind | undefined => {
    const k = inputKind(inputs.get(input)!.type);
    if (typeof k === 'string') return k;
    issues.push(`${at}: workflow input '${input}' is ${k.unsupported}; a swept value is one value`);
    return undefined;
  };
  const claim = (input: string, who: string, at: string) => {
    const other = owner.get(input);
    if (other !== undefined && other !== who) issues.push(`${at}: workflow input '${input}' already receives ${other}`);
    else owner.set(input, who);
  };

  const binding: SweepBinding = {
    parameters: {},
    geometry: {},
    blockMetaparameters: plan.geometry?.source === 'metaparameters' ? plan.parameterization.metaparameters.filter((m) => (AXES as readonly string[]).includes(m.name) && m.parameters.mode === 'minmax').map((m) => m.name) : [],
    warnings: [],
  };
  const badSteps = new Set<string>();
  for (const m of plan.parameterization.metaparameters) {
    const roles: Array<['min' | 'max' | 'abs', string]> =
      m.parameters.mode === 'abs' ? [['abs', m.parameters.abs]] : [['min', m.parameters.min], ['max', m.parameters.max]];
    if (m.steps && workflow.class !== 'Workflow') {
      issues.push(`${m.name}.steps: a ${workflow.class} has no steps; leave steps out to name its inputs directly`);
      continue;
    }
    for (const s of m.steps ?? []) {
      if (!steps.has(s) && !badSteps.has(`${m.name}/${s}`)) {
        badSteps.add(`${m.name}/${s}`);
        issues.push(`${m.name}.steps: no step '${s}' in the workflow (steps: ${[...steps.keys()].join(', ')})`);
      }
    }
    for (const [role, name] of roles) {
      const at = `${m.name}.parameters.${role}`;
      const targets: string[] = [];
      if (!m.steps) {
        if (inputs.has(name)) targets.push(name);
        else issues.push(`${at}: no workflow input '${name}' (inputs: ${[...inputs.keys()].join(', ')})`);
      } else {
        for (const s of m.steps) {
          const step = steps.get(s);
          if (!step) continue;
          const stepIn = step.in.find((i) => i.id === name);
          const source = stepIn?.source ?? [];
          if (!stepIn) issues.push(`${at}: step '${s}' has no input '${name}'`);
          else if (source.length !== 1 || !inputs.has(source[0]!)) {
            issues.push(`${at}: input '${name}' of step '${s}' is not wired to a workflow input, so SABER cannot set it`);
          } else if (!targets.includes(source[0]!)) targets.push(source[0]!);
        }
      }
      const bound: BoundInput[] = [];
      for (const input of targets) {
        claim(input, at, at);
        const kind = kindOf(input, at);
        if (!kind) continue;
        const bad = valuesOf(m, role).find((v) => coerceValue(v, kind) === undefined);
        if (bad) issues.push(`${m.name}.range: value ${bad.text} does not fit workflow input '${input}' (${describeKind(kind)})`);
        else bound.push({ input, kind });
        for (const [id, step] of steps) {
          if (m.steps && !m.steps.includes(id) && step.in.some((i) => i.source?.includes(input))) {
            warnings.add(`workflow input '${input}' also feeds step '${id}', which ${m.name}.steps does not list; it receives the swept values too`);
          }
        }
      }
      binding.parameters[`${m.name}.${role}`] = bound;
    }
  }
  for (const [g, input] of Object.entries(plan.geometry?.inputs ?? {}) as Array<[BlockGeometryName, string]>) {
    const at = `block.inputs.${g}`;
    if (!inputs.has(input)) {
      issues.push(`${at}: no workflow input '${input}' (inputs: ${[...inputs.keys()].join(', ')})`);
      continue;
    }
    claim(input, at, at);
    const kind = kindOf(input, at);
    if (!kind) continue;
    if (BOX_GEOMETRY_NAMES.includes(g)) {
      if (kind !== 'string' && kind !== 'any') issues.push(`${at}: workflow input '${input}' is ${describeKind(kind)}; ${g} is a string (z0:z1,y0:y1,x0:x1)`);
      else binding.geometry[g] = { input, kind };
    } else if (kind === 'boolean' || kind === 'file' || kind === 'directory') issues.push(`${at}: workflow input '${input}' is ${describeKind(kind)}; block bounds are integers`);
    else binding.geometry[g] = { input, kind };
  }
  if (issues.length) throw new SweepBindingError(issues);
  binding.warnings = [...warnings];
  return binding;
}

/** The workflow inputs one iteration sets. */
export interface IterationInputs {
  /** Every input the iteration sets (metaparameter values and block geometry). */
  inputs: Record<string, unknown>;
  /** The inputs set by metaparameters that are not block axes: what tells the iteration's group apart. */
  groupInputs: Record<string, unknown>;
}

/** The input values of one iteration, to merge over the job's inputs. */
export function iterationInputs(binding: SweepBinding, it: PlannedIteration): IterationInputs {
  const inputs: Record<string, unknown> = {};
  const groupInputs: Record<string, unknown> = {};
  for (const a of it.assignments) {
    for (const t of binding.parameters[`${a.metaparameter}.${a.role}`] ?? []) {
      const value = coerceValue(a.value, t.kind);
      inputs[t.input] = value;
      if (!binding.blockMetaparameters.includes(a.metaparameter)) groupInputs[t.input] = value;
    }
  }
  if (it.block) {
    const g = blockGeometryValues(it.block);
    for (const [name, t] of Object.entries(binding.geometry) as Array<[BlockGeometryName, BoundInput]>) {
      const v = g[name];
      inputs[t.input] = typeof v === 'string' ? v : coerceValue(numberValue(v, false), t.kind);
    }
  }
  return { inputs, groupInputs };
}
