import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';
import { Run } from '../runs/run.entity';

/** `output`: one port of the run's output object; `artifact`: one File/Directory URI it produced. */
export type RunOutputKind = 'output' | 'artifact';

/**
 * Outputs of a completed run: one row per output port and one per artifact URI.
 * Replaced as a whole by each `run.completed` (the last word on a run's outputs).
 */
@Entity({ name: 'outputs' })
@Index('outputs_run_idx', ['runId'])
@Index('outputs_uri_idx', ['uri'])
export class RunOutput {
  /** Surrogate key (bigint identity). */
  @PrimaryColumn({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  @Generated('increment')
  id!: number;

  /** Run that produced it. */
  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  /** Not loaded by default. */
  @ManyToOne(() => Run, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'run_id' })
  run?: Run;

  /** See {@link RunOutputKind}. */
  @Column({ type: 'text' })
  kind!: RunOutputKind;

  /** Output port name; null for artifacts. */
  @Column({ type: 'text', nullable: true })
  name!: string | null;

  /** Output value (CWL JSON); null for artifacts. */
  @Column({ type: 'jsonb', nullable: true })
  value!: unknown;

  /** Location of a File/Directory output, or the artifact URI. */
  @Column({ type: 'text', nullable: true })
  uri!: string | null;
}
