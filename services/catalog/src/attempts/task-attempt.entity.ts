import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';
import { Run } from '../runs/run.entity';
import type { AttemptStatus } from './attempt-status';

/**
 * One attempt of one task: merged from its step.ready, step.started and
 * step.completed/failed events in whatever order they arrive. `(taskId, attempt)`
 * is unique, so every task result is recorded exactly once.
 */
@Entity({ name: 'task_attempts' })
@Index('task_attempts_task_attempt_key', ['taskId', 'attempt'], { unique: true })
@Index('task_attempts_run_step_idx', ['runId', 'stepId'])
@Index('task_attempts_status_idx', ['status'])
export class TaskAttempt {
  /** Surrogate key (bigint identity). */
  @PrimaryColumn({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  @Generated('increment')
  id!: number;

  /** Run of the task. */
  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  /** Not loaded by default. */
  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  /** Step of the task. */
  @Column({ name: 'step_id', type: 'text' })
  stepId!: string;

  /** Task id (unique per step and scatter element/block). */
  @Column({ name: 'task_id', type: 'text' })
  taskId!: string;

  /** Attempt number, from 1. */
  @Column({ type: 'integer' })
  attempt!: number;

  /** See {@link AttemptStatus}. */
  @Column({ type: 'text' })
  status!: AttemptStatus;

  /** Position in the step's scatter, when scattered. */
  @Column({ name: 'scatter_index', type: 'jsonb', nullable: true })
  scatterIndex!: number[] | null;

  /** Executor pool the task was queued on. */
  @Column({ type: 'text', nullable: true })
  pool!: string | null;

  /** Executor that ran the attempt. */
  @Column({ name: 'executor_id', type: 'text', nullable: true })
  executorId!: string | null;

  /** Executor backend (`local`, `docker`, `batch`). */
  @Column({ type: 'text', nullable: true })
  backend!: string | null;

  /** Tool exit code. */
  @Column({ name: 'exit_code', type: 'integer', nullable: true })
  exitCode!: number | null;

  /** Tool wall-clock seconds. */
  @Column({ name: 'cost_seconds', type: 'double precision', nullable: true })
  costSeconds!: number | null;

  /** Peak resident memory of the tool, bytes (0 when unknown). */
  @Column({ name: 'peak_memory_bytes', type: 'bigint', nullable: true, transformer: BIGINT_AS_NUMBER })
  peakMemoryBytes!: number | null;

  /** Kind of failure (`tool-exit`, `out-of-memory`, ...), see the step.failed contract. */
  @Column({ name: 'failure_type', type: 'text', nullable: true })
  failureType!: string | null;

  /** Whether the failure may be retried. */
  @Column({ type: 'boolean', nullable: true })
  retryable!: boolean | null;

  /** Failure message. */
  @Column({ type: 'text', nullable: true })
  message!: string | null;

  /** Last lines of the tool's stderr. */
  @Column({ name: 'stderr_tail', type: 'text', nullable: true })
  stderrTail!: string | null;

  /** True when the result came from the step cache. */
  @Column({ type: 'boolean', nullable: true })
  cached!: boolean | null;

  /** Task inputs (step.ready). */
  @Column({ type: 'jsonb', nullable: true })
  inputs!: Record<string, unknown> | null;

  /** Task outputs (step.completed). */
  @Column({ type: 'jsonb', nullable: true })
  outputs!: Record<string, unknown> | null;

  /** When the catalog saw step.ready (the event carries no time). */
  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  /** `startedAt` of step.started. */
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  /** `finishedAt` of step.completed/failed. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;
}
