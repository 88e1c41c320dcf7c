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
import { projectStepCompleted, projectStepFailed, projectStepReady, projectStepStarted, StepTouches } from './step.projection';

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
    const [outcome] = await this.ingestBatch([event]);
    if (outcome instanceof Error) throw outcome;
    return outcome;
  }

  /**
   * Records several events in ONE transaction (group commit), in order; step
   * summaries are recomputed once per touched step at the end. An event that breaks
   * its contract (or has no msgId/subject) gets its error in the result and is not
   * written; the others are. A database error rejects the whole batch (rolled back,
   * safe to retry).
   */
  async ingestBatch(events: CatalogEventInput[]): Promise<Array<IngestOutcome | Error>> {
    const results: Array<IngestOutcome | Error> = new Array(events.length);
    const valid: Array<{ index: number; event: CatalogEventInput; contract: CatalogContract | undefined; payload: unknown }> = [];
    events.forEach((event, index) => {
      try {
        if (!event.msgId) throw new InvalidEventError(`event on "${event.subject}" has no msgId (Nats-Msg-Id)`);
        if (!event.subject) throw new InvalidEventError(`event ${event.msgId} has no subject`);
        const contract = contractForSubject(event.subject);
        valid.push({ index, event, contract, payload: contract ? contract.parse(event.payload) : event.payload });
      } catch (e) {
        results[index] = e as Error;
      }
    });
    if (valid.length === 0) return results;
    const job = () =>
      this.dataSource.transaction(async (em) => {
        const touches = new StepTouches();
        const outcomes: IngestOutcome[] = [];
        for (const v of valid) outcomes.push(await this.record(em, v.event, v.contract, v.payload, touches));
        await touches.flush(em);
        return outcomes;
      });
    const outcomes = await (this.serial ? this.serial.run(job) : job());
    valid.forEach((v, i) => {
      results[v.index] = outcomes[i];
      this.logger.debug(`${outcomes[i]} ${v.event.subject} msgId=${v.event.msgId}${runIdOf(v.payload)}`);
    });
    return results;
  }

  private async record(
    em: EntityManager,
    event: CatalogEventInput,
    contract: CatalogContract | undefined,
    payload: unknown,
    touches: StepTouches,
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
        await projectRunFailed(em, payload as RunFailed, touches);
        return 'recorded';
      case 'step.ready':
        await projectStepReady(em, payload as StepReady, touches);
        return 'recorded';
      case 'step.started':
        await projectStepStarted(em, payload as StepStarted, touches);
        return 'recorded';
      case 'step.completed':
        await projectStepCompleted(em, payload as StepCompleted, touches);
        return 'recorded';
      case 'step.failed':
        await projectStepFailed(em, payload as StepFailed, touches);
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
