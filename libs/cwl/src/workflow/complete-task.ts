import { recordResult } from './record-result';
import { flatIndex, parseTaskId } from './scope-navigation';
import type { WorkflowState } from './workflow-state.types';

/**
 * Records a task's outputs. Idempotent: an unknown task id, or a second
 * completion (or a completion after a failure) of the same task, is ignored.
 * Call {@link readyTasks} afterwards for the tasks this unblocks. O(1) per call
 * except when it finishes a step (O(size of the step's scatter)).
 */
export function completeTask(state: WorkflowState, taskId: string, outputs: Record<string, unknown>): WorkflowState {
  const parsed = parseTaskId(state, taskId);
  if (!parsed || state.status !== 'running') return state;
  const stepState = state.scopes[parsed.scope]?.steps[parsed.step];
  if (!stepState) return state;
  recordResult(state, parsed.scope, parsed.step, flatIndex(stepState, parsed.index), outputs);
  return state;
}

/**
 * Marks the run failed because of a task. Idempotent: ignored when the run has
 * already finished, or the task was already completed.
 */
export function failTask(state: WorkflowState, taskId: string, error: string | Error): WorkflowState {
  if (state.status !== 'running') return state;
  const parsed = parseTaskId(state, taskId);
  if (parsed) {
    const stepState = state.scopes[parsed.scope]?.steps[parsed.step];
    const k = stepState ? flatIndex(stepState, parsed.index) : -1;
    if (stepState && (stepState.status === 'done' || (k >= 0 && stepState.results?.[k] !== null))) return state;
  }
  state.status = 'failed';
  const stepPath = parsed ? `${parsed.scope ? `${parsed.scope}/` : ''}${parsed.step}` : undefined;
  state.failure = { taskId, ...(stepPath ? { stepPath } : {}), message: typeof error === 'string' ? error : error.message };
  return state;
}

/**
 * True while a task of a running workflow still awaits its result: its step is
 * running and the task's job has no recorded outputs. False for unknown ids, for
 * finished tasks, and once the run has ended. Lets a caller count each task's
 * result once (a replayed completion finds it no longer pending).
 */
export function isTaskPending(state: WorkflowState, taskId: string): boolean {
  if (state.status !== 'running') return false;
  const parsed = parseTaskId(state, taskId);
  if (!parsed) return false;
  const stepState = state.scopes[parsed.scope]?.steps[parsed.step];
  if (!stepState?.results || stepState.status === 'done') return false;
  const k = flatIndex(stepState, parsed.index);
  return k >= 0 && k < stepState.results.length && stepState.results[k] === null;
}

/**
 * True when a running workflow has not dispatched `taskId` yet: the task's scope, or its
 * step's state, does not exist yet (both are made when a step is dispatched), or the step is
 * still waiting. A result for such a task comes from a dispatch whose state was never saved
 * (a planner that crashed after publishing tasks and before storing the run): the caller
 * should keep it until the state has caught up (redispatching the step republishes the same
 * task ids), not drop it as a duplicate.
 */
export function isTaskUndispatched(state: WorkflowState, taskId: string): boolean {
  if (state.status !== 'running') return false;
  const parsed = parseTaskId(state, taskId);
  if (!parsed) return false;
  const scope = state.scopes[parsed.scope];
  if (!scope) return true;
  const step = scope.steps[parsed.step];
  return !step || step.status === 'waiting';
}
