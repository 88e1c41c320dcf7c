import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';
import { Run } from '../runs/run.entity';

/**
 * A named number (score, F1, ...). Task metrics come from step.completed
 * (`stepId` and `taskId` set); run metrics from run.completed (both null, names
 * like `<step>.<metric>`). `(runId, stepId, taskId, name)` is unique with NULLs
 * equal, so a metric is recorded once; the latest `recordedAt` wins.
 */
@Entity({ name: 'metrics' })
@Index('metrics_key', ['runId', 'stepId', 'taskId', 'name'], { unique: true })
@Index('metrics_name_idx', ['name'])
export class Metric {
  /** Surrogate key (bigint identity). */
  @PrimaryColumn({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  @Generated('increment')
  id!: number;

  /** Run measured. */
  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  /** Not loaded by default. */
  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  /** Step measured; null for run metrics. */
  @Column({ name: 'step_id', type: 'text', nullable: true })
  stepId!: string | null;

  /** Task measured; null for run metrics. */
  @Column({ name: 'task_id', type: 'text', nullable: true })
  taskId!: string | null;

  /** Attempt that produced the value; null for run metrics. */
  @Column({ type: 'integer', nullable: true })
  attempt!: number | null;

  /** Metric name (`score`, ...). */
  @Column({ type: 'text' })
  name!: string;

  /** Value. */
  @Column({ type: 'double precision' })
  value!: number;

  /** Event time of the value (`finishedAt`/`completedAt`). */
  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;
}
