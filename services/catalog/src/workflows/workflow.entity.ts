import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';

/**
 * A workflow document, identified by its content hash: two runs of byte-identical
 * CWL share one row even when loaded from different paths. Name and URI are those
 * of the first run that used it.
 */
@Entity({ name: 'workflows' })
@Index('workflows_name_idx', ['name'])
export class Workflow {
  /** Surrogate key (bigint identity). */
  @PrimaryColumn({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  @Generated('increment')
  id!: number;

  /** Content hash of the workflow document (as computed by the planner). */
  @Column({ name: 'content_hash', type: 'text', unique: true })
  contentHash!: string;

  /** Workflow name (the CWL `id`/label or file name). */
  @Column({ type: 'text' })
  name!: string;

  /** Where the workflow was loaded from. */
  @Column({ type: 'text' })
  uri!: string;

  /** The parsed document when some event carried it; null otherwise. */
  @Column({ type: 'jsonb', nullable: true })
  document!: unknown;

  /** When the catalog first saw the workflow. */
  @Column({ name: 'first_seen_at', type: 'timestamptz' })
  firstSeenAt!: Date;
}
