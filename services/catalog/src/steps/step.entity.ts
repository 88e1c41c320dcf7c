import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Run } from '../runs/run.entity';
import type { StepStatus } from './step-status';

/**
 * One step of a run, a summary recomputed from `task_attempts` after every step
 * event (so duplicates and out-of-order events cannot skew the counts).
 */
@Entity({ name: 'steps' })
@Index('steps_status_idx', ['status'])
export class Step {
  /** Run the step belongs to. */
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  /** Step id within the workflow. */
  @PrimaryColumn({ name: 'step_id', type: 'text' })
  stepId!: string;

  /** Not loaded by default. */
  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  /** Index in the run's plan (`run.accepted` steps); null for steps the plan did not list. */
  @Column({ type: 'integer', nullable: true })
  position!: number | null;

  /** See {@link StepStatus}. */
  @Column({ type: 'text' })
  status!: StepStatus;

  /** Distinct tasks seen (one per scatter element or block). */
  @Column({ type: 'integer' })
  tasks!: number;

  /** Tasks whose latest attempt completed. */
  @Column({ name: 'tasks_completed', type: 'integer' })
  tasksCompleted!: number;

  /** Tasks whose latest attempt failed and is not retryable. */
  @Column({ name: 'tasks_failed', type: 'integer' })
  tasksFailed!: number;

  /** Task attempts recorded (retries included). */
  @Column({ type: 'integer' })
  attempts!: number;

  /** Sum of the attempts' tool wall-clock seconds. */
  @Column({ name: 'cost_seconds', type: 'double precision' })
  costSeconds!: number;

  /** Earliest attempt start. */
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  /** Latest attempt end. */
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  /** When an event last changed the row. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
