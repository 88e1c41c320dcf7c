import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isEmbeddedCatalog } from '../database/catalog-data-source';
import { CATALOG_DATA_SOURCE } from '../database/catalog-options';
import { type CatalogEventInput, type IngestOutcome, InvalidEventError } from './catalog-event';
import { type CatalogContract, contractForSubject, schemaOf, traceIdOf } from './event-contracts';
import { BatchPlan } from './batch-plan';
import { projectBatch } from './batch.projection';
import { appendEvents } from './event-log';
import { SerialQueue } from './serial-queue';
import { text } from './sql-values';

/** An event that passed validation, with its index in the batch. */
interface ValidEvent {
  index: number;
  event: CatalogEventInput;
  contract: CatalogContract | undefined;
  payload: unknown;
}

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
   * Records several events in ONE transaction (group commit) with a fixed number of
   * statements, whatever the batch size (see BatchPlan and projectBatch); the result
   * equals recording them one at a time, in order. A msgId repeated within the batch
   * is recorded once (its first valid occurrence) and the repeats are `duplicate`. An
   * event that breaks its contract (or has no msgId/subject) gets its error in the
   * result and is not written; the others are. A database error rejects the whole
   * batch (rolled back, safe to retry).
   */
  async ingestBatch(events: CatalogEventInput[]): Promise<Array<IngestOutcome | Error>> {
    const results: Array<IngestOutcome | Error> = new Array(events.length);
    const valid: ValidEvent[] = [];
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
    const job = () => this.dataSource.transaction((em) => this.record(em, valid));
    const outcomes = await (this.serial ? this.serial.run(job) : job());
    valid.forEach((v, i) => {
      results[v.index] = outcomes[i]!;
      this.logger.debug(`${outcomes[i]} ${v.event.subject} msgId=${v.event.msgId}${runIdOf(v.payload)}`);
    });
    return results;
  }

  /**
   * Appends the batch to `events` in one statement (the first event of each msgId;
   * the others, and ids recorded before, are duplicates), then projects the new ones.
   */
  private async record(em: EntityManager, valid: ValidEvent[]): Promise<IngestOutcome[]> {
    const firstOf = new Map<string, ValidEvent>();
    for (const v of valid) {
      const key = text(v.event.msgId)!;
      if (!firstOf.has(key)) firstOf.set(key, v);
    }
    const inserted = await appendEvents(
      em,
      [...firstOf.entries()].map(([msgId, v]) => ({
        msg_id: msgId,
        subject: v.event.subject,
        schema: schemaOf(v.event.headers, v.contract) ?? null,
        payload: v.event.payload ?? null,
        trace_id: traceIdOf(v.event.headers) ?? null,
      })),
    );
    const plans = [new BatchPlan()];
    const outcomes = valid.map((v): IngestOutcome => {
      const key = text(v.event.msgId)!;
      if (!inserted.has(key) || firstOf.get(key) !== v) return 'duplicate';
      if (plans[plans.length - 1]!.startsSegment(v.contract?.name, v.payload)) plans.push(new BatchPlan());
      plans[plans.length - 1]!.add(v.contract?.name, v.payload);
      return v.contract ? 'recorded' : 'ignored';
    });
    await projectBatch(em, plans, !this.serial);
    return outcomes;
  }
}

function runIdOf(payload: unknown): string {
  const id = (payload as { runId?: unknown } | null)?.runId;
  return typeof id === 'string' ? ` runId=${id}` : '';
}
