import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RunAccepted, RunCompleted, RunFailed, RunRejected, StepCompleted, StepFailed, StepReady, StepStarted } from '@saber/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { isEmbeddedCatalog } from '../database/catalog-data-source';
import { CATALOG_DATA_SOURCE } from '../database/catalog-options';
import { type CatalogEventInput, type IngestOutcome, InvalidEventError } from './catalog-event';
import { type CatalogContract, contractForSubject, schemaOf, traceIdOf } from './event-contracts';
import { projectRunAccepted, projectRunCompleted, projectRunFailed, projectRunRejected } from './run.projection';
import { SerialQueue } from './serial-queue';
import { json, text } from './sql-values';
import { projectStepCompleted, projectStepFailed, projectStepReady, projectStepStarted } from './step.projection';

/**
 * Records bus events: validates each payload against its contract, then in one
 * transaction appends it to `events` (once per msgId) and applies it to the
 * run/step/attempt tables. Idempotent (a redelivered message changes nothing) and
 * order-tolerant (a step.completed may precede its step.started).
 */
@Injectable()
export class CatalogIngestService {
  private readonly logger = new Logger(CatalogIngestService.name);
  private readonly serial: SerialQueue | undefined;

  constructor(@InjectDataSource(CATALOG_DATA_SOURCE) private readonly dataSource: DataSource) {
    this.serial = isEmbeddedCatalog(dataSource) ? new SerialQueue() : undefined;
  }

  /**
   * Records one event. Returns `duplicate` when its msgId was recorded before
   * (nothing changes), `ignored` for a subject without a contract (kept in
   * `events` only), else `recorded` (run.requested has no projection: it is
   * validated and kept in `events`).
   *
   * @throws ContractViolation (from `@saber/contracts`) when the payload does not
   *   match the subject's contract; nothing is written, and redelivery cannot help.
   * @throws InvalidEventError when the subject or msgId is empty.
   * Database errors propagate; the transaction is rolled back, so a retry is safe.
   */
  async ingest(event: CatalogEventInput): Promise<IngestOutcome> {
    if (!event.msgId) throw new InvalidEventError(`event on "${event.subject}" has no msgId (Nats-Msg-Id)`);
    if (!event.subject) throw new InvalidEventError(`event ${event.msgId} has no subject`);
    const contract = contractForSubject(event.subject);
    const payload: unknown = contract ? contract.parse(event.payload) : event.payload;
    const job = () => this.dataSource.transaction((em) => this.record(em, event, contract, payload));
    const outcome = await (this.serial ? this.serial.run(job) : job());
    this.logger.debug(`${outcome} ${event.subject} msgId=${event.msgId}${runIdOf(payload)}`);
    return outcome;
  }

  private async record(
    em: EntityManager,
    event: CatalogEventInput,
    contract: CatalogContract | undefined,
    payload: unknown,
  ): Promise<IngestOutcome> {
    const inserted = (await em.query(
      `INSERT INTO events (msg_id, subject, schema, payload, trace_id)
       VALUES ($1, $2, $3, $4::jsonb, $5)
       ON CONFLICT (msg_id) DO NOTHING
       RETURNING id`,
      [
        text(event.msgId),
        text(event.subject),
        text(schemaOf(event.headers, contract)),
        json(event.payload ?? null),
        traceIdOf(event.headers) ?? null,
      ],
    )) as unknown[];
    if (inserted.length === 0) return 'duplicate';
    switch (contract?.name) {
      case 'run.accepted':
        await projectRunAccepted(em, payload as RunAccepted);
        return 'recorded';
      case 'run.rejected':
        await projectRunRejected(em, payload as RunRejected);
        return 'recorded';
      case 'run.completed':
        await projectRunCompleted(em, payload as RunCompleted);
        return 'recorded';
      case 'run.failed':
        await projectRunFailed(em, payload as RunFailed);
        return 'recorded';
      case 'step.ready':
        await projectStepReady(em, payload as StepReady);
        return 'recorded';
      case 'step.started':
        await projectStepStarted(em, payload as StepStarted);
        return 'recorded';
      case 'step.completed':
        await projectStepCompleted(em, payload as StepCompleted);
        return 'recorded';
      case 'step.failed':
        await projectStepFailed(em, payload as StepFailed);
        return 'recorded';
      case 'run.requested':
        return 'recorded';
      default:
        return 'ignored';
    }
  }
}

function runIdOf(payload: unknown): string {
  const id = (payload as { runId?: unknown } | null)?.runId;
  return typeof id === 'string' ? ` runId=${id}` : '';
}
