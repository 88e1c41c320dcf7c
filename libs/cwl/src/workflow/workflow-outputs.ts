import type { Workflow } from '../model/cwl.types';
import { mergeSources } from './merge-sources';
import type { WorkflowState } from './workflow-state.types';

/** Computes a workflow instance's outputs from its `outputSource` links. */
export function workflowOutputValues(wf: Workflow, valueOf: (ref: string) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const param of wf.outputs) {
    out[param.id] = param.outputSource?.length ? (mergeSources({ ...param, source: param.outputSource, sourceIsList: param.sourceIsList as boolean | undefined }, valueOf) ?? null) : null;
  }
  return out;
}

/** True once the run succeeded or failed. */
export function isFinished(state: WorkflowState): boolean {
  return state.status !== 'running';
}

/** The root workflow's outputs once the run succeeded, else `undefined`. */
export function workflowOutputs(state: WorkflowState): Record<string, unknown> | undefined {
  return state.status === 'succeeded' ? state.outputs : undefined;
}

/** Why the run failed (`stepPath: message` or the message), or `undefined` while not failed. */
export function failedReason(state: WorkflowState): string | undefined {
  if (state.status !== 'failed' || !state.failure) return undefined;
  return state.failure.stepPath ? `step ${state.failure.stepPath}: ${state.failure.message}` : state.failure.message;
}
