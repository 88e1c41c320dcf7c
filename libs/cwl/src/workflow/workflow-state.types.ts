import type { CwlTool, Workflow } from '../model/cwl.types';
import type { SaberHints } from '../tool/saber-hints';

/**
 * The complete, JSON-serializable state of one workflow run. The planner stores
 * it between events; every function of the state machine takes a state and
 * returns it UPDATED IN PLACE (so that N scatter completions cost O(N), not
 * O(N²) copies). Clone it first (`structuredClone`) if you need the old one.
 */
export interface WorkflowState {
  /** Format version of this object. */
  version: 1;
  runId: string;
  /** The normalized root workflow (a lone tool is wrapped as a one-step workflow). */
  root: Workflow;
  /** One entry per workflow instance: `''` is the root, `a` or `a[3]` a subworkflow run by step `a`. */
  scopes: Record<string, ScopeState>;
  /** Scopes that may have steps ready to start (examined by `readyTasks`). */
  dirty: string[];
  status: 'running' | 'succeeded' | 'failed';
  /** Why the run failed (set with `status: 'failed'`). */
  failure?: WorkflowFailure;
  /** The root workflow's outputs (set with `status: 'succeeded'`). */
  outputs?: Record<string, unknown>;
}

/** The first failure of a run. */
export interface WorkflowFailure {
  taskId?: string;
  /** Step path (`step`, `sub/inner`) of the failed step, when a step failed. */
  stepPath?: string;
  message: string;
}

/** State of one workflow instance. */
export interface ScopeState {
  /** Step ids from the root workflow to this workflow's definition (`[]` for the root). */
  processPath: string[];
  /** The instance's resolved inputs. */
  inputs: Record<string, unknown>;
  steps: Record<string, StepState>;
  /** The step (and job index) in the parent scope this instance runs for. */
  parent?: { scope: string; step: string; index: number };
  /** True once the root instance's inputs got their secondary files discovered on disk. */
  inputsPrepared?: boolean;
  done: boolean;
}

/** State of one step in one workflow instance. */
export interface StepState {
  status: 'waiting' | 'running' | 'done';
  /** Scatter shape: `[]` unscattered, `[n]` dotproduct/flat, `[n, m, ...]` nested_crossproduct. */
  shape?: number[];
  /** One outputs object per job (`null` while pending); a skipped job (`when` false) has all-null outputs. */
  results?: (Record<string, unknown> | null)[];
  /** Jobs not yet completed. */
  remaining?: number;
  /** The step's outputs once `done`. */
  outputs?: Record<string, unknown>;
}

/** One unit of work for an executor: run `tool` on `inputs`. */
export interface TaskSpec {
  /** Deterministic id: `${runId}:${stepPath}` plus `[i]` per scatter index. */
  taskId: string;
  /** Step path: step ids from the root joined by `/` (scatter indices of enclosing subworkflows included). */
  stepId: string;
  /** Position in the scatter (one index per nested_crossproduct dimension). */
  scatterIndex?: number[];
  /** Self-contained tool with inherited requirements and hints merged in. */
  tool: CwlTool;
  /** Tool inputs: sources, step defaults, valueFrom and tool defaults applied. */
  inputs: Record<string, unknown>;
  /** SABER scheduling hints (`queue` → `pool`). */
  hints: SaberHints;
}
