import type { CwlProcess, Requirement, Workflow, WorkflowStep } from '../model/cwl.types';
import type { ScopeState, StepState, WorkflowState } from './workflow-state.types';

/** The workflow definition an instance runs, found by walking `processPath` from the root. */
export function workflowOf(state: WorkflowState, scope: ScopeState): Workflow {
  let wf: Workflow = state.root;
  for (const stepId of scope.processPath) wf = stepOf(wf, stepId).run as Workflow;
  return wf;
}

/** A step of a workflow by id. */
export function stepOf(wf: Workflow, stepId: string): WorkflowStep {
  const step = wf.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`workflow ${wf.id || '(root)'} has no step '${stepId}'`);
  return step;
}

/** Requirements and hints inherited by steps of `scope` (root first, innermost last). */
export function inheritedOf(state: WorkflowState, scope: ScopeState): { requirements: Requirement[]; hints: Requirement[] } {
  const requirements: Requirement[] = [];
  const hints: Requirement[] = [];
  let wf: Workflow = state.root;
  const add = (p: { requirements: Requirement[]; hints: Requirement[] }): void => {
    for (const r of p.requirements) upsert(requirements, r);
    for (const h of p.hints) upsert(hints, h);
  };
  add(wf);
  for (const stepId of scope.processPath) {
    const step = stepOf(wf, stepId);
    add(step);
    wf = step.run as Workflow;
    add(wf);
  }
  return { requirements, hints };
}

/**
 * `outer` with `inner` laid over it: an entry of `inner` replaces the `outer` entry of
 * the same class (a step's ResourceRequirement overrides its workflow's), others are added.
 */
export function overlayRequirements(outer: readonly Requirement[], inner: readonly Requirement[]): Requirement[] {
  const out = [...outer];
  for (const r of inner) upsert(out, r);
  return out;
}

function upsert(list: Requirement[], r: Requirement): void {
  const i = list.findIndex((x) => x.class === r.class);
  if (i >= 0) list[i] = r;
  else list.push(r);
}

/** Path of a child instance: `sub`, `sub[2]`, `outer[1]/sub[0][3]`. */
export function childPath(scopePath: string, stepId: string, scatterIndex?: number[]): string {
  return `${scopePath ? `${scopePath}/` : ''}${stepId}${indexSuffix(scatterIndex)}`;
}

/** `[i][j]` for a scatter index, `''` for none. */
export function indexSuffix(scatterIndex?: number[]): string {
  return scatterIndex ? scatterIndex.map((i) => `[${i}]`).join('') : '';
}

/** Splits a task id into scope path, step id and scatter indices; `undefined` when malformed. */
export function parseTaskId(state: WorkflowState, taskId: string): { scope: string; step: string; index: number[] } | undefined {
  const prefix = `${state.runId}:`;
  if (!taskId.startsWith(prefix)) return undefined;
  const path = taskId.slice(prefix.length);
  const slash = path.lastIndexOf('/');
  const scope = slash < 0 ? '' : path.slice(0, slash);
  const last = path.slice(slash + 1);
  const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(last);
  if (!m) return undefined;
  const index = [...m[2].matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1]));
  return { scope, step: m[1], index };
}

/** Flat job number of a scatter index within a step's shape. */
export function flatIndex(step: StepState, index: number[]): number {
  const shape = step.shape ?? [];
  if (shape.length === 0) return index.length === 0 ? 0 : -1;
  if (index.length !== shape.length) return -1;
  let k = 0;
  for (let d = 0; d < shape.length; d++) {
    if (index[d] >= shape[d]) return -1;
    k = k * shape[d] + index[d];
  }
  return k;
}

/** True for processes that run as tasks (not expanded). */
export function isTool(p: CwlProcess): p is Exclude<CwlProcess, Workflow> {
  return p.class !== 'Workflow';
}
