import type { WorkflowState } from '@saber/cwl';

/** Lifecycle of a run inside the planner. */
export type RunStatus = 'running' | 'completed' | 'failed';

/**
 * Everything the planner needs to continue a run after a restart. Stored in the
 * `saber-runs` KV bucket, one key per run, written with compare-and-set.
 */
export interface RunRecord {
  runId: string;
  requestId: string;
  status: RunStatus;
  workflow: { name: string; uri: string; contentHash: string };
  /** W3C traceparent of the run span: every later span of the run joins this trace. */
  traceparent: string;
  options: { cache: boolean; maxAttempts: number };
  /** The CWL engine's workflow state (pure JSON). */
  state: WorkflowState;
  /** Sum of the tool seconds of every finished attempt. */
  costSeconds: number;
  /** Metrics of completed steps, `<stepId>.<name>` (last value wins). */
  metrics: Record<string, number>;
  createdAt: string;
}
