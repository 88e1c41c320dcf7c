import type { CwlType, Workflow, WorkflowStep } from '../model/cwl.types';
import { canFlow } from './check-types';
import { STEP_ENUMS } from './known-fields';
import { typeToString } from './normalize-type';
import { closestName } from '../util/suggest';
import { isRecord } from '../util/json';
import { report, type NormalizeContext, type Scope } from './normalize-context';
import type { StepPair } from './normalize-step';

/**
 * Checks the links of a normalized workflow: every step `source` and `outputSource`
 * names a workflow input or a declared step output, `scatter` names step inputs,
 * and steps form no cycle. Problems are reported at the raw node's position.
 */
export function validateWorkflowLinks(wf: Workflow, raw: Record<string, unknown>, pairs: StepPair[], ctx: NormalizeContext, scope: Scope): void {
  const known = new Set<string>(wf.inputs.map((i) => i.id));
  for (const { step } of pairs) for (const out of step.out) known.add(`${step.id}/${out}`);
  const check = (ref: string, node: unknown, key: string, where: string): void => {
    if (known.has(ref)) return;
    const hint = closestName(ref, known);
    report(ctx, scope, node, key, `${where}: '${ref}' names no workflow input or step output${hint ? `; did you mean '${hint}'?` : ''}`, 'value');
  };
  for (const { step, raw: rawStep, rawInputs } of pairs) {
    for (const input of step.in) {
      for (const src of input.source) check(src, rawInputs.get(input.id) ?? rawStep, 'source', `step '${step.id}' input '${input.id}'`);
    }
    for (const name of step.scatter ?? []) {
      if (!step.in.some((i) => i.id === name)) report(ctx, scope, rawStep, 'scatter', `step '${step.id}' scatters over '${name}', which is not one of its inputs`, 'value');
    }
  }
  const rawOutputs = raw.outputs;
  wf.outputs.forEach((out, i) => {
    const node = Array.isArray(rawOutputs) ? rawOutputs[i] : isRecord(rawOutputs) ? rawOutputs[out.id] : undefined;
    for (const src of out.outputSource ?? []) check(src, isRecord(node) ? node : raw, 'outputSource', `workflow output '${out.id}'`);
  });
  checkLinkTypes(wf, pairs, ctx, scope);
  reportCycle(pairs, ctx, scope);
}

/**
 * Checks that each step input's sources can flow into the type the step's process
 * declares, after `linkMerge` (several sources become a list) and `scatter` (a
 * scattered input needs a list of the declared type). Inputs with `valueFrom` or
 * `pickValue` are skipped: their value is computed from the sources.
 */
function checkLinkTypes(wf: Workflow, pairs: StepPair[], ctx: NormalizeContext, scope: Scope): void {
  const types = new Map<string, CwlType>(wf.inputs.map((i) => [i.id, i.type]));
  for (const { step, resolved } of pairs) {
    if (!resolved) continue;
    for (const out of step.run.outputs) types.set(`${step.id}/${out.id}`, stepOutputType(step, out.type));
  }
  for (const { step, resolved, rawInputs, raw } of pairs) {
    // Skip steps already reported for a bad scatter target; their input types would only echo it.
    if (!resolved || step.scatter?.some((name) => !step.in.some((i) => i.id === name))) continue;
    for (const input of step.in) {
      const declared = step.run.inputs.find((p) => p.id === input.id);
      if (input.linkMerge !== undefined && !STEP_ENUMS.linkMerge.includes(input.linkMerge)) continue;
      if (!declared || input.valueFrom !== undefined || input.pickValue !== undefined || input.source.length === 0) continue;
      const sourceTypes = input.source.map((s) => types.get(s));
      if (sourceTypes.some((t) => t === undefined)) continue;
      const isList = input.sourceIsList === true || input.source.length > 1;
      const merged = mergedType(sourceTypes as CwlType[], isList, input.linkMerge);
      const scattered = step.scatter?.includes(input.id) === true;
      const sink: CwlType = scattered ? { type: 'array', items: declared.type } : declared.type;
      // A one-item source list is accepted wrapped or unwrapped (cwltool does both, depending on linkMerge).
      if (canFlow(merged, sink) || (input.source.length === 1 && canFlow(sourceTypes[0] as CwlType, sink))) continue;
      const how = scattered ? `is scattered, so it needs ${typeToString(sink)} (a list of ${typeToString(declared.type)})` : `expects ${typeToString(sink)}`;
      const what = isList ? `its sources [${input.source.join(', ')}] merged with ${input.linkMerge ?? 'merge_nested'} give` : `source '${input.source[0]}' is`;
      report(ctx, scope, rawInputs.get(input.id) ?? raw, 'source', `step '${step.id}' input '${input.id}' ${how}, but ${what} ${typeToString(merged)}`, 'value');
    }
  }
}

/** The type a step output has for downstream steps: one list level per scatter dimension (nested) or one (dot/flat), optional under `when`. */
function stepOutputType(step: WorkflowStep, type: CwlType): CwlType {
  let t = type;
  const dims = step.scatter?.length ?? 0;
  const levels = dims === 0 ? 0 : step.scatterMethod === 'nested_crossproduct' ? dims : 1;
  for (let i = 0; i < levels; i++) t = { type: 'array', items: t };
  return step.when !== undefined ? ['null', t] : t;
}

function mergedType(sources: CwlType[], isList: boolean, linkMerge: string | undefined): CwlType {
  if (!isList) return sources[0];
  const flatten = (t: CwlType): CwlType => (Array.isArray(t) ? t.map(flatten) : typeof t === 'object' && t.type === 'array' ? t.items : t);
  const items = linkMerge === 'merge_flattened' ? sources.map(flatten) : sources;
  const unique = items.filter((t, i) => items.findIndex((u) => JSON.stringify(u) === JSON.stringify(t)) === i);
  return { type: 'array', items: unique.length === 1 ? unique[0] : unique };
}

function reportCycle(pairs: StepPair[], ctx: NormalizeContext, scope: Scope): void {
  const deps = new Map<string, string[]>();
  for (const { step } of pairs) {
    const upstream = step.in.flatMap((i) => i.source).filter((s) => s.includes('/')).map((s) => s.slice(0, s.indexOf('/')));
    deps.set(step.id, upstream);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done' || !deps.has(id)) return undefined;
    if (s === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const d of deps.get(id) ?? []) {
      const cycle = visit(d);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const { step, raw } of pairs) {
    const cycle = visit(step.id);
    if (cycle) {
      report(ctx, scope, raw, undefined, `steps form a cycle: ${cycle.reverse().join(' -> ')}`);
      return;
    }
  }
}
