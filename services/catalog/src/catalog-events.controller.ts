import { Controller, Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext, MSG_ID_HEADER } from '@saber/bus';
import { Filters, RunCompleted, RunFailed, RunRejected } from '@saber/contracts';
import type { SaberConfig } from '@saber/config';
import { Batcher, SABER_CONFIG } from '@saber/runtime';
import { extractTraceContext, withSpan, SpanKind } from '@saber/telemetry';
import { BatchLinger } from './batch-linger';
import type { CatalogEventInput } from './ingest/catalog-event';
import { CATALOG_SINK, type CatalogSink } from './ingest/catalog-sink';

/** Most events recorded in one transaction. */
export const CATALOG_BATCH_MAX = 500;

/** Events the consumer holds at once; they form the batches. */
export const CATALOG_CONSUMER_CONCURRENCY = 256;

/**
 * Events per batch at which the linger grows: a batch of `n` events is followed by a
 * wait of `SABER_CATALOG_LINGER_MS × n / CATALOG_LINGER_STEP`, at least the
 * configured linger and at most {@link CATALOG_LINGER_MAX_FACTOR} times it. Under a
 * steady stream of events (a large scatter: three events per task) batches thus grow
 * towards {@link CATALOG_BATCH_MAX}, and each transaction's fixed cost (the step
 * summaries, one statement per kind) is paid less often; a trickle keeps the
 * configured latency.
 */
export const CATALOG_LINGER_STEP = 50;

/** Most the linger grows under load, as a multiple of the configured one (200 ms: 1 s). */
export const CATALOG_LINGER_MAX_FACTOR = 5;

/** Subjects that end a run: a batch holding one commits at once, so watchers of the run's end are not kept waiting. */
const RUN_ENDS = new Set<string>([RunCompleted.subject, RunFailed.subject, RunRejected.subject]);

/** True for a run's end (a namespace prefix on the subject allowed). */
function isRunEnd(subject: string): boolean {
  if (RUN_ENDS.has(subject)) return true;
  for (const end of RUN_ENDS) if (subject.endsWith(`.${end}`)) return true;
  return false;
}

interface Pending {
  event: CatalogEventInput;
  /** Receives the event's own result (an error for an event that can never be recorded). */
  settle: (result: unknown) => void;
}

/**
 * The catalog's durable consumer of every event. Events that arrive while a batch
 * waits (`SABER_CATALOG_LINGER_MS`, longer under load: see {@link CATALOG_LINGER_STEP})
 * or commits are recorded together in the next transaction (group commit); a run's
 * end cuts the wait short. An event that can never be
 * recorded (malformed JSON, a payload that breaks its schema, no dedupe id) is
 * logged and acknowledged, so it cannot block the stream; a database error rejects
 * its batch, and those events are redelivered.
 */
@Controller()
export class CatalogEventsController implements OnModuleDestroy {
  private readonly log = new Logger('catalog');
  private readonly linger: BatchLinger;
  private readonly batcher = new Batcher<Pending>(async (items) => {
    if (items.length < CATALOG_BATCH_MAX && !items.some((i) => isRunEnd(i.event.subject))) await this.linger.wait(this.lingerAfter(items.length));
    const results = await this.ingest.ingestBatch(items.map((i) => i.event));
    items.forEach((item, i) => item.settle(results[i]));
  }, CATALOG_BATCH_MAX);

  constructor(
    @Inject(CATALOG_SINK) private readonly ingest: CatalogSink,
    @Inject(SABER_CONFIG) config: SaberConfig,
  ) {
    this.linger = new BatchLinger(config.catalogLingerMs);
  }

  /** The wait before committing a batch of `events` events (see {@link CATALOG_LINGER_STEP}). */
  private lingerAfter(events: number): number {
    const base = this.linger.ms;
    return Math.round(base * Math.min(CATALOG_LINGER_MAX_FACTOR, Math.max(1, events / CATALOG_LINGER_STEP)));
  }

  /**
   * Shutdown, before the database closes: commits waiting batches at once (no more
   * lingering) and returns when every event posted so far is committed.
   */
  async onModuleDestroy(): Promise<void> {
    this.linger.release();
    while (!this.batcher.idle) await new Promise((resolve) => setTimeout(resolve, 1));
  }

  @BusConsumer({ stream: 'events', durable: 'catalog', filterSubject: Filters.allEvents, concurrency: CATALOG_CONSUMER_CONCURRENCY, raw: true })
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
        let result: unknown;
        const posted = this.batcher.post({ event: { subject: msg.subject, msgId, payload, headers: msg.headers }, settle: (r) => (result = r) });
        // A run's end: the batch waiting now commits at once, and the end's batch does not wait.
        if (isRunEnd(msg.subject)) this.linger.cut();
        await posted;
        if (result instanceof Error) this.log.warn(`not recorded: ${msg.subject} ${msgId}: ${result.message}`);
      },
      extractTraceContext(msg.headers),
      SpanKind.CONSUMER,
    );
  }
}
