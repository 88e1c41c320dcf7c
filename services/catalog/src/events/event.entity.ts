import { Column, Entity, Generated, Index, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../database/bigint.transformer';

/**
 * One bus message exactly as received: the catalog's raw, append-only log.
 * `msgId` (the `Nats-Msg-Id` dedupe id) is unique, which is what makes ingestion
 * idempotent. Events on subjects the catalog does not know are kept here only.
 */
@Entity({ name: 'events' })
@Index('events_subject_idx', ['subject'])
@Index('events_received_at_idx', ['receivedAt'])
export class CatalogEvent {
  /** Arrival order (bigint identity). */
  @PrimaryColumn({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  @Generated('increment')
  id!: number;

  /** Deduplication id of the message (`Nats-Msg-Id`). */
  @Column({ name: 'msg_id', type: 'text', unique: true })
  msgId!: string;

  /** Full subject, e.g. `saber.events.run.accepted.v1`. */
  @Column({ type: 'text' })
  subject!: string;

  /** `<name>/v<version>` from the `Saber-Schema` header, else from the matching contract; null when unknown. */
  @Column({ type: 'text', nullable: true })
  schema!: string | null;

  /** The payload as received (before defaults are applied). */
  @Column({ type: 'jsonb' })
  payload!: unknown;

  /** W3C trace id (32 hex digits) from the `traceparent` header. */
  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;

  /** When the catalog recorded the message. */
  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;
}
