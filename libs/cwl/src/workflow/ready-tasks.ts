import { CwlError } from '../errors/cwl-errors';
import { evaluateExpression, expressionSettings, type ExpressionSettings } from '../expressions/evaluate-expression';
import type { Workflow, WorkflowStep } from '../model/cwl.types';
import { withFileNames } from '../job/file-names';
import { describeValue, matchesType } from '../job/type-match';
import { typeToString } from '../loader/normalize-type';
import { inheritRequirements } from '../tool/requirements';
import { saberHints } from '../tool/saber-hints';
import { readContents } from '../tool/file-objects';
import { locationToPath } from '../tool/stage-inputs';
import { isRecord } from '../util/json';
import { discoverSecondaryFiles } from '../tool/secondary-files';
import { cloneJson } from '../util/json';
import { mergeSources } from './merge-sources';
import { recordResult, finishStep, markDirty } from './record-result';
import { planScatter } from './scatter';
import { childPath, indexSuffix, inheritedOf, isTool, overlayRequirements, workflowOf } from './scope-navigation';
import { workflowOutputValues } from './workflow-outputs';
import type { ScopeState, TaskSpec, WorkflowState } from './workflow-state.types';

/** Options of {@link readyTasks}. */
export interface ReadyTasksOptions {
  /** Time limit of one `valueFrom`/`when` JavaScript expression in ms (default 1000). */
  expressionTimeoutMs?: number;
}

/**
 * Starts every step whose inputs are available and returns the tasks to run.
 * Each task is returned exactly once (its step is marked running). Subworkflow
 * steps are expanded in the state (no task), `when`-false jobs are skipped with
 * null outputs, and a workflow whose steps are all done gets its outputs.
 * The state is updated in place and returned. A step input that cannot be
 * evaluated fails the run (see {@link failedReason}).
 */
export async function readyTasks(state: WorkflowState, options: ReadyTasksOptions = {}): Promise<{ state: WorkflowState; tasks: TaskSpec[] }> {
  const tasks: TaskSpec[] = [];
  while (state.status === 'running' && state.dirty.length > 0) {
    const scopePath = state.dirty.shift() as string;
    const scope = state.scopes[scopePath];
    if (!scope || scope.done) continue;
    try {
      await examineScope(state, scopePath, scope, tasks, options);
    } catch (err) {
      if (!(err instanceof CwlError) && !(err instanceof Error)) throw err;
      state.status = 'failed';
      state.failure = { message: err.message, stepPath: (err as { stepPath?: string }).stepPath };
    }
  }
  return { state, tasks: state.status === 'failed' ? [] : tasks };
}

async function examineScope(state: WorkflowState, scopePath: string, scope: ScopeState, tasks: TaskSpec[], options: ReadyTasksOptions): Promise<void> {
  const wf = workflowOf(state, scope);
  const inherited = inheritedOf(state, scope);
  const settings = expressionSettings([...inherited.requirements, ...inherited.hints], options.expressionTimeoutMs);
  if (!scope.parent && !scope.inputsPrepared) {
    scope.inputs = await prepareRootInputs(wf, scope.inputs, settings);
    scope.inputsPrepared = true;
  }
  const valueOf = (ref: string): unknown => {
    const slash = ref.indexOf('/');
    if (slash < 0) return scope.inputs[ref] ?? null;
    return scope.steps[ref.slice(0, slash)]?.outputs?.[ref.slice(slash + 1)] ?? null;
  };
  const available = (ref: string): boolean => {
    const slash = ref.indexOf('/');
    return slash < 0 || scope.steps[ref.slice(0, slash)]?.status === 'done';
  };
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const step of wf.steps) {
      const current = scope.steps[step.id];
      if (current && current.status !== 'waiting') continue;
      if (!step.in.every((i) => i.source.every(available))) continue;
      try {
        await startStep(state, scopePath, scope, wf, step, valueOf, settings, inherited, tasks);
      } catch (err) {
        throw Object.assign(err as Error, { stepPath: childPath(scopePath, step.id) });
      }
      progressed = progressed || scope.steps[step.id].status === 'done';
    }
  }
  if (!wf.steps.every((s) => scope.steps[s.id]?.status === 'done')) return;
  scope.done = true;
  const outputs = workflowOutputValues(wf, valueOf);
  if (scope.parent) {
    recordResult(state, scope.parent.scope, scope.parent.step, scope.parent.index, outputs);
    delete state.scopes[scopePath];
  } else {
    for (const param of wf.outputs) {
      const value = outputs[param.id];
      if (!matchesType(value, param.type) && !(param.type === 'Any' && value === null)) {
        throw new Error(`workflow output '${param.id}' (expected ${typeToString(param.type)}): got ${describeValue(value)}`);
      }
    }
    state.status = 'succeeded';
    state.outputs = outputs;
  }
}

/** Adds `contents` (at most 64 KiB) to a File, or to each File of a list. */
async function withContents(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(withContents));
  if (!isRecord(value) || value.class !== 'File' || typeof value.contents === 'string') return value;
  const loc = typeof value.path === 'string' ? value.path : typeof value.location === 'string' ? locationToPath(value.location) : undefined;
  return loc ? { ...value, contents: await readContents(loc) } : value;
}

/** Finds the secondary files of the run's own inputs next to their primaries (once per run). */
async function prepareRootInputs(wf: Workflow, inputs: Record<string, unknown>, settings: ExpressionSettings): Promise<Record<string, unknown>> {
  const out = { ...inputs };
  for (const param of wf.inputs) {
    if (param.loadContents || param.inputBinding?.loadContents) out[param.id] = await withContents(out[param.id]);
    if (!param.secondaryFiles && typeof param.type === 'string') continue;
    const evaluate = (text: string, self: unknown): Promise<unknown> => evaluateExpression(text, { inputs, self, runtime: {} }, settings);
    out[param.id] = await discoverSecondaryFiles(inputs[param.id], param.type, param.secondaryFiles, evaluate);
  }
  return out;
}

async function startStep(
  state: WorkflowState, scopePath: string, scope: ScopeState, wf: Workflow, step: WorkflowStep,
  valueOf: (ref: string) => unknown, settings: ExpressionSettings, inherited: ReturnType<typeof inheritedOf>, tasks: TaskSpec[],
): Promise<void> {
  const base: Record<string, unknown> = {};
  for (const input of step.in) {
    let value = input.source.length > 0 ? mergeSources(input, valueOf) : null;
    if ((value === null || value === undefined) && input.default !== undefined) value = cloneJson(input.default);
    base[input.id] = withFileNames(value ?? null);
    if (input.loadContents) base[input.id] = await withContents(base[input.id]);
  }
  const scatter = step.scatter ?? [];
  for (const name of scatter) {
    if (!Array.isArray(base[name])) throw new Error(`step '${step.id}': scatter input '${name}' is not an array`);
  }
  const plan = scatter.length ? planScatter(scatter.map((n) => (base[n] as unknown[]).length), step.scatterMethod) : undefined;
  const count = plan ? plan.count : 1;
  const stepState = { status: 'running' as const, shape: plan ? plan.shape : [], results: new Array<Record<string, unknown> | null>(count).fill(null), remaining: count };
  scope.steps[step.id] = stepState;
  const reqs = overlayRequirements(inherited.requirements, step.requirements);
  const hints = overlayRequirements(inherited.hints, step.hints);
  const settingsForStep = expressionSettings([...reqs, ...hints], settings.timeoutMs);
  const run = step.run;
  const tool = isTool(run) ? inheritRequirements(run, reqs, hints) : undefined;
  const taskHints = saberHints(run, state.root, wf, step);
  for (let k = 0; k < count; k++) {
    const jobInputs = plan ? { ...base } : base;
    if (plan) {
      const idx = plan.elementIndices(k);
      scatter.forEach((name, d) => (jobInputs[name] = (base[name] as unknown[])[idx[d]]));
    }
    const evaluated: Record<string, unknown> = { ...jobInputs };
    for (const input of step.in) {
      if (input.valueFrom !== undefined) {
        evaluated[input.id] = await evaluateExpression(input.valueFrom, { inputs: jobInputs, self: jobInputs[input.id] ?? null, runtime: {} }, settingsForStep);
      }
    }
    const scatterIndex = plan ? plan.scatterIndex(k) : undefined;
    if (step.when !== undefined) {
      const go = await evaluateExpression(step.when, { inputs: evaluated, runtime: {} }, settingsForStep);
      if (typeof go !== 'boolean') throw new Error(`step '${step.id}': 'when' must yield a boolean, got ${JSON.stringify(go)}`);
      if (!go) {
        recordResult(state, scopePath, step.id, k, {});
        continue;
      }
    }
    const processInputs: Record<string, unknown> = {};
    for (const param of run.inputs) {
      const v = evaluated[param.id];
      processInputs[param.id] = v === null || v === undefined ? (param.default !== undefined ? cloneJson(param.default) : null) : v;
    }
    if (tool) {
      const stepPath = childPath(scopePath, step.id);
      tasks.push({ taskId: `${state.runId}:${stepPath}${indexSuffix(scatterIndex)}`, stepId: stepPath, ...(scatterIndex ? { scatterIndex } : {}), tool, inputs: processInputs, hints: taskHints });
    } else {
      const path = childPath(scopePath, step.id, scatterIndex);
      state.scopes[path] = { processPath: [...scope.processPath, step.id], inputs: withFileNames(processInputs), steps: {}, parent: { scope: scopePath, step: step.id, index: k }, done: false };
      markDirty(state, path);
    }
  }
  if (count === 0) finishStep(stepState, step);
}
