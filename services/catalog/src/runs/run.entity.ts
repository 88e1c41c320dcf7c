import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';
import { Workflow } from '../workflows/workflow.entity';
import type { RunStatus } from './run-status';

/**
 * One run of a workflow. Keyed by the planner's run id; a rejected request has no
 * run id and is recorded under its request id. Fields a later event fills in are
 * null until then (a step event may create the row before `run.accepted` arrives).
 */
@Entity({ name: 'runs' })
@Index('runs_status_idx', ['status'])
@Index('runs_workflow_idx', ['workflowId'])
@Index('runs_recorded_at_idx', ['recordedAt'])
export class Run {
  /** Run id (`runId` of the events); the request id for rejected requests. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  /** Request id of `run.requested`; null until `run.accepted` arrives. */
  @Column({ name: 'request_id', type: 'text', nullable: true, unique: true })
  requestId!: string | null;

  /** The workflow run; null for rejected requests and before `run.accepted`. */
  @Column({ name: 'workflow_id', type: 'bigint', nullable: true, transformer: BIGINT_AS_NUMBER })
  workflowId!: number | null;

  /** Loaded by the query service. */
  @ManyToOne(() => Workflow, { nullable: true, onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'workflow_id' })
  workflow?: Workflow | null;

  /** See {@link RunStatus}. */
  @Column({ type: 'text' })
  status!: RunStatus;

  /** The run's CWL input object. */
  @Column({ type: 'jsonb', nullable: true })
  inputs!: Record<string, unknown> | null;

  /** The workflow's output object (at `run.completed`). */
  @Column({ type: 'jsonb', nullable: true })
  outputs!: Record<string, unknown> | null;

  /** Free-form labels of the request. */
  @Column({ type: 'jsonb', nullable: true })
  labels!: Record<string, string> | null;

  /** Who asked for the run. */
  @Column({ type: 'text', nullable: true })
  requester!: string | null;

  /** Step ids of the compiled plan, in plan order. */
  @Column({ name: 'planned_steps', type: 'jsonb', nullable: true })
  plannedSteps!: string[] | null;

  /** Why the run was rejected or failed (a reject reason or failure kind). */
  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  /** Human-readable explanation of a rejection or failure. */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Problems listed by `run.rejected`. */
  @Column({ type: 'jsonb', nullable: true })
  details!: string[] | null;

  /** Step that made the run fail. */
  @Column({ name: 'failed_step', type: 'text', nullable: true })
  failedStep!: string | null;

  /** Last lines of the failing tool's stderr. */
  @Column({ name: 'stderr_tail', type: 'text', nullable: true })
  stderrTail!: string | null;

  /** Total tool wall-clock seconds reported by `run.completed`. */
  @Column({ name: 'cost_seconds', type: 'double precision', nullable: true })
  costSeconds!: number | null;

  /** `acceptedAt` of `run.accepted`. */
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt!: Date | null;

  /** `completedAt`, `failedAt` or `rejectedAt`. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When the catalog first recorded the run (list order). */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  /** When an event last changed the row. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

