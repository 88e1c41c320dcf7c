import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext, MSG_ID_HEADER } from '@saber/bus';
import { ContractViolation, Filters } from '@saber/contracts';
import { extractTraceContext, withSpan, SpanKind } from '@saber/telemetry';
import { CatalogIngestService } from './ingest/catalog-ingest.service';

/**
 * The catalog's durable consumer of every event. An event that can never be
 * recorded (malformed JSON, a payload that breaks its schema, no dedupe id) is
 * logged and acknowledged, so it cannot block the stream; database errors throw,
 * and the event is redelivered.
 */
@Controller()
export class CatalogEventsController {
  private readonly log = new Logger('catalog');

  constructor(private readonly ingest: CatalogIngestService) {}

  @BusConsumer({ stream: 'events', durable: 'catalog', filterSubject: Filters.allEvents, concurrency: 16, raw: true })
  async event(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const msg = ctx.getMessage();
    let payload: unknown;
    try {
      payload = msg.json();
    } catch {
      this.log.warn(`not recorded: ${msg.subject} seq ${msg.seq} is not valid JSON`);
      return;
    }
    const msgId = msg.headers[MSG_ID_HEADER];
    if (!msgId) {
      this.log.warn(`not recorded: ${msg.subject} seq ${msg.seq} has no ${MSG_ID_HEADER}`);
      return;
    }
    const runId = (payload as { runId?: unknown })?.runId;
    await withSpan(
      'saber.catalog.record',
      { 'saber.subject': msg.subject, ...(typeof runId === 'string' ? { 'saber.run_id': runId } : {}) },
      async () => {
        try {
          await this.ingest.ingest({ subject: msg.subject, msgId, payload, headers: msg.headers });
        } catch (e) {
          if (e instanceof ContractViolation || (e as Error).name === 'InvalidEventError') {
            this.log.warn(`not recorded: ${msg.subject} ${msgId}: ${(e as Error).message}`);
            return;
          }
          throw e;
        }
      },
      extractTraceContext(msg.headers),
      SpanKind.CONSUMER,
    );
  }
}
