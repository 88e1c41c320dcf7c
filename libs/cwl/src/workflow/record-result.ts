import type { WorkflowStep } from '../model/cwl.types';
import { reshape } from './scatter';
import { stepOf, workflowOf } from './scope-navigation';
import type { StepState, WorkflowState } from './workflow-state.types';

/**
 * Records job `k` of a step as finished with `outputs` (only the step's declared
 * `out` ids are kept; missing ones become null). Returns false when the job was
 * already recorded (idempotence). When the last job finishes, the step's outputs
 * are assembled and its scope is queued for examination.
 */
export function recordResult(state: WorkflowState, scopePath: string, stepId: string, k: number, outputs: Record<string, unknown>): boolean {
  const scope = state.scopes[scopePath];
  const stepState = scope?.steps[stepId];
  if (!stepState?.results || k < 0 || k >= stepState.results.length || stepState.results[k] !== null) return false;
  const step = stepOf(workflowOf(state, scope), stepId);
  const kept: Record<string, unknown> = {};
  for (const out of step.out) kept[out] = outputs[out] ?? null;
  stepState.results[k] = kept;
  stepState.remaining = (stepState.remaining ?? 1) - 1;
  if (stepState.remaining === 0) finishStep(stepState, step);
  markDirty(state, scopePath);
  return true;
}

/** Assembles a finished step's outputs from its job results. */
export function finishStep(stepState: StepState, step: WorkflowStep): void {
  const results = stepState.results ?? [];
  const outputs: Record<string, unknown> = {};
  for (const out of step.out) {
    if (!step.scatter?.length) outputs[out] = results[0]?.[out] ?? null;
    else outputs[out] = reshape(results.map((r) => r?.[out] ?? null), stepState.shape ?? [results.length]);
  }
  stepState.outputs = outputs;
  stepState.status = 'done';
  delete stepState.results;
  delete stepState.remaining;
}

/** Queues a scope for `readyTasks` (no duplicates). */
export function markDirty(state: WorkflowState, scopePath: string): void {
  if (!state.dirty.includes(scopePath)) state.dirty.push(scopePath);
}
