import type { Workflow } from '../model/cwl.types';
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
  reportCycle(pairs, ctx, scope);
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
