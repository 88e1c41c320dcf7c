import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import {
  MergeRequested, RunCompleted, RunFailed, RunRejected, RunRequested, SweepAccepted, SweepCompleted, SweepFailed, SweepProgress, SweepRejected,
  SweepRequested, type SweepBlock, type SweepIterationFailure, type SweepIterationResult,
} from '@saber/contracts';
import { EventPublisher, Mailboxes, SABER_CONFIG, takeRequest } from '@saber/runtime';
import { iterationInputs, parseParameterization, planSweep, type Block, type PlannedIteration, type SweepPlan } from '@saber/sweep';
import { contextFromTraceparent, extractTraceContext, SpanKind, tracer, traceparentOf, withSpan } from '@saber/telemetry';
import { childRunId, parseChildRunId } from './child-run-id';
import { SweepIntake, type PreparedSweep } from './sweep-intake';
import { IterationState as S, type IterationResult, type SweepRecord } from './sweep-record';
import { SweepStore } from './sweep-store';

/** run.failed reasons that a new attempt cannot fix (the same inputs fail the same way). */
const PERMANENT_REASONS = new Set(['bad-input', 'unsupported']);

/** A change to one sweep, applied in a batch by the sweep's mailbox. */
type SweepChange =
  | { kind: 'dispatch' }
  | { kind: 'resume' }
  | { kind: 'completed'; index: number; attempt: number; runId: string; outputs: Record<string, unknown>; costSeconds: number }
  | { kind: 'failed'; index: number; attempt: number; runId: string; reason: string; message: string; retryable: boolean };

/** What one batch of changes publishes. */
interface Outbox {
  launches: Array<{ index: number; attempt: number }>;
  results: Array<{ index: number; result: IterationResult }>;
  progress: boolean;
  resume: boolean;
  end?: 'completed' | 'failed';
}

const attemptsOf = (record: SweepRecord, i: number) => parseInt(record.attempts[i]!, 36);

/**
 * Drives block sweeps. A sweep is a set of child runs of one workflow, one per
 * iteration (block × parameter combination), each a plain `run.requested` with the
 * job inputs overridden by the iteration's values and labels `{sweepId, iteration,
 * blockIndex, attempt}`. At most `maxInFlight` run at once; a failed child is
 * started again (a new run id with an attempt suffix) up to `maxAttempts` unless its
 * failure is permanent. When every iteration is done the blocker publishes
 * `merge.requested` per group and `sweep.completed`; if any failed for good,
 * `sweep.failed` and no merge.
 *
 * State lives in JetStream KV ({@link SweepStore}); events of one sweep are applied in
 * batches by one mailbox, published before the state is committed, with
 * deterministic dedupe ids, so replaying an event after a crash is harmless.
 */
@Injectable()
export class BlockSweepService {
  private readonly log = new Logger('blocker');
  private readonly mailboxes = new Mailboxes<SweepChange>((sweepId, changes) => this.commit(sweepId, changes));
  /** Plans by sweep id (pure functions of the record; rebuilt after a restart). */
  private readonly plans = new Map<string, SweepPlan>();

  constructor(
    private readonly store: SweepStore,
    private readonly publisher: EventPublisher,
    private readonly intake: SweepIntake,
    @Inject(SABER_CONFIG) private readonly config: SaberConfig,
  ) {}

  /** Handles one sweep.requested message: sweep.accepted and the first child runs, or sweep.rejected. */
  async onSweepRequested(msg: BusMessage): Promise<void> {
    await withSpan('saber.sweep.request', { 'saber.msg_id': msg.headers[MSG_ID_HEADER] ?? '' }, () => this.handleRequest(msg), extractTraceContext(msg.headers), SpanKind.CONSUMER);
  }

  private handleRequest(msg: BusMessage): Promise<void> {
    return takeRequest(msg, { what: 'sweep', contract: SweepRequested, rejected: SweepRejected, publisher: this.publisher, log: this.log, accept: (r) => this.accept(r) });
  }

  private async accept(request: SweepRequested): Promise<void> {
    const sweepId = request.requestId;
    if (await this.store.get(sweepId)) {
      this.log.log(`sweep ${sweepId} already accepted; resuming it`);
      await this.post(sweepId, { kind: 'resume' });
      return;
    }
    const prepared = await this.intake.prepare(request);
    const span = tracer().startSpan('saber.sweep', { attributes: { 'saber.sweep_id': sweepId, 'saber.iterations': prepared.plan.total } });
    const record = this.newRecord(request, prepared, traceparentOf(span));
    span.end();
    if (!(await this.store.create(record))) return this.post(sweepId, { kind: 'resume' });
    this.plans.set(sweepId, prepared.plan);
    await this.publisher.publish(SweepAccepted, record.accepted, { msgId: `${sweepId}:accepted`, parent: contextFromTraceparent(record.traceparent) });
    for (const w of record.accepted.warnings) this.log.warn(`sweep ${sweepId}: ${w}`);
    this.log.log(`sweep ${sweepId} accepted: ${record.total} iterations of ${record.workflowInfo.name}, ${record.policy.maxInFlight} at a time`);
    await this.post(sweepId, { kind: 'dispatch' });
  }

  private newRecord(request: SweepRequested, prepared: PreparedSweep, traceparent: string): SweepRecord {
    const { plan, binding, loaded } = prepared;
    const g = plan.geometry;
    const policy = {
      maxAttempts: request.policy?.maxAttempts ?? this.config.sweepMaxAttempts,
      maxInFlight: request.policy?.maxInFlight ?? this.config.sweepMaxInFlight,
      failFast: request.policy?.failFast ?? false,
    };
    const workflowInfo = { name: loaded.name, uri: loaded.uri, contentHash: loaded.contentHash };
    const accepted: SweepAccepted = {
      sweepId: request.requestId,
      requestId: request.requestId,
      workflow: workflowInfo,
      total: plan.total,
      blocks: g ? g.grid.total : 0,
      groups: plan.groups,
      metaparameters: plan.parameterization.metaparameters.map((m) => m.name),
      ...(g
        ? {
            geometry: {
              source: g.source, ...(g.volume ? { volume: g.volume } : {}), shape: g.shape, bounds: g.grid.spec.bounds,
              blockSize: g.grid.spec.size, halo: g.grid.spec.halo, counts: g.grid.counts,
            },
          }
        : {}),
      policy,
      warnings: binding.warnings,
      ...(request.labels ? { labels: request.labels } : {}),
      ...(request.requester ? { requester: request.requester } : {}),
      acceptedAt: new Date().toISOString(),
    };
    return {
      sweepId: request.requestId,
      status: 'running',
      workflow: request.workflow,
      workflowInfo,
      inputs: request.inputs,
      ...(request.labels ? { labels: request.labels } : {}),
      ...(request.requester ? { requester: request.requester } : {}),
      ...(request.options ? { options: request.options } : {}),
      parameterization: prepared.parameterization,
      ...(prepared.block ? { block: prepared.block } : {}),
      ...(prepared.volumeShape ? { volumeShape: prepared.volumeShape } : {}),
      binding,
      policy,
      total: plan.total,
      state: S.pending.repeat(plan.total),
      attempts: '0'.repeat(plan.total),
      cursor: 0,
      done: 0,
      failed: 0,
      running: 0,
      retries: 0,
      failures: {},
      costSeconds: 0,
      accepted,
      traceparent,
    };
  }

  /** A run event (run.completed, run.failed, run.rejected); events of runs that are not sweep children are ignored. */
  async onRunEvent(msg: BusMessage): Promise<void> {
    const s = msg.subject;
    if (s !== RunCompleted.subject && s !== RunFailed.subject && s !== RunRejected.subject) return;
    const body = msg.json<{ runId?: unknown; requestId?: unknown }>();
    const id = s === RunRejected.subject ? body?.requestId : body?.runId;
    const child = typeof id === 'string' ? parseChildRunId(id) : undefined;
    if (!child) return; // not a sweep's child run: checked before parsing, as most runs are not
    if (s === RunCompleted.subject) {
      const e = RunCompleted.parse(body);
      await this.post(child.sweepId, { kind: 'completed', ...child, runId: e.runId, outputs: e.outputs, costSeconds: e.costSeconds });
    } else if (s === RunFailed.subject) {
      const e = RunFailed.parse(body);
      const tail = e.stderrTail ? `\n${e.stderrTail.trimEnd().split('\n').slice(-5).join('\n')}` : '';
      await this.post(child.sweepId, { kind: 'failed', ...child, runId: e.runId, reason: e.reason, message: `${e.message}${tail}`, retryable: !PERMANENT_REASONS.has(e.reason) });
    } else {
      const e = RunRejected.parse(body);
      const message = [e.message, ...e.details].join('\n');
      await this.post(child.sweepId, { kind: 'failed', ...child, runId: e.requestId, reason: `rejected:${e.reason}`, message, retryable: false });
    }
  }

  private post(sweepId: string, change: SweepChange): Promise<void> {
    return this.mailboxes.post(sweepId, change);
  }

  /** Applies a batch of changes to a sweep, publishes what they produced, then commits (retrying on CAS conflicts). */
  private commit(sweepId: string, changes: SweepChange[]): Promise<void> {
    // No record: a run whose id merely looks like a sweep child.
    return this.store.modify(sweepId, async (record) => {
      if (record.status !== 'running') return undefined;
      const outbox = this.apply(record, changes);
      await this.flush(record, outbox);
      return () => {
        if (record.status !== 'running') this.plans.delete(sweepId);
      };
    });
  }

  private apply(record: SweepRecord, changes: SweepChange[]): Outbox {
    const state = record.state.split('');
    const attempts = record.attempts.split('');
    const outbox: Outbox = { launches: [], results: [], progress: false, resume: false };
    const live = (i: number, attempt: number) =>
      i >= 0 && i < record.total && (state[i] === S.pending || state[i] === S.running) && attempt >= parseInt(attempts[i]!, 36);
    const stopped = () => record.policy.failFast && record.failed > 0;
    for (const c of changes) {
      if (c.kind === 'resume') outbox.resume = true;
      if (c.kind === 'completed' && live(c.index, c.attempt)) {
        if (state[c.index] === S.running) record.running--;
        state[c.index] = S.done;
        attempts[c.index] = c.attempt.toString(36);
        record.done++;
        record.costSeconds += c.costSeconds;
        outbox.results.push({ index: c.index, result: { runId: c.runId, attempts: c.attempt, costSeconds: c.costSeconds, outputs: c.outputs } });
        outbox.progress = true;
        this.log.log(`sweep ${record.sweepId}: iteration ${c.index} done (run ${c.runId})`);
      } else if (c.kind === 'failed' && live(c.index, c.attempt)) {
        outbox.progress = true;
        if (c.retryable && c.attempt < record.policy.maxAttempts && !stopped()) {
          if (state[c.index] === S.pending) record.running++;
          state[c.index] = S.running;
          attempts[c.index] = (c.attempt + 1).toString(36);
          record.retries++;
          outbox.launches.push({ index: c.index, attempt: c.attempt + 1 });
          this.log.warn(`sweep ${record.sweepId}: iteration ${c.index} attempt ${c.attempt} failed (${c.reason}); retrying as ${childRunId(record.sweepId, c.index, c.attempt + 1)}`);
        } else {
          if (state[c.index] === S.running) record.running--;
          state[c.index] = S.failed;
          attempts[c.index] = c.attempt.toString(36);
          record.failed++;
          record.failures[String(c.index)] = { reason: c.reason, message: c.message };
          this.log.warn(`sweep ${record.sweepId}: iteration ${c.index} failed for good after ${c.attempt} attempt(s) (${c.reason})`);
        }
      }
    }
    // Fill the free slots with pending iterations, in order.
    while (!stopped() && record.running < record.policy.maxInFlight) {
      const i = state.indexOf(S.pending, record.cursor);
      if (i < 0) {
        record.cursor = record.total;
        break;
      }
      record.cursor = i + 1;
      state[i] = S.running;
      attempts[i] = '1';
      record.running++;
      outbox.launches.push({ index: i, attempt: 1 });
    }
    if (changes.some((c) => c.kind === 'dispatch')) outbox.progress = true;
    if (record.running === 0 && (stopped() || state.indexOf(S.pending, record.cursor) < 0)) {
      record.status = record.failed > 0 ? 'failed' : 'completed';
      outbox.end = record.status;
    }
    record.state = state.join('');
    record.attempts = attempts.join('');
    return outbox;
  }

  private planOf(record: SweepRecord): SweepPlan {
    let plan = this.plans.get(record.sweepId);
    if (!plan) {
      const parsed = parseParameterization(record.parameterization.text, { source: record.parameterization.source });
      plan = planSweep(parsed, { ...(record.block ? { block: record.block } : {}), ...(record.volumeShape ? { volumeShape: record.volumeShape } : {}) });
      this.plans.set(record.sweepId, plan);
    }
    return plan;
  }

  /** Publishes what a batch produced. Every id is deterministic, so a replay is deduplicated. */
  private async flush(record: SweepRecord, outbox: Outbox): Promise<void> {
    const parent = contextFromTraceparent(record.traceparent);
    const plan = this.planOf(record);
    const launches = [...outbox.launches];
    if (outbox.resume) {
      await this.publisher.publish(SweepAccepted, record.accepted, { msgId: `${record.sweepId}:accepted`, parent });
      // Re-request the runs in flight: the planner ignores a run id it knows, and starts one it never received.
      for (let i = 0; i < record.total; i++) if (record.state[i] === S.running && !launches.some((l) => l.index === i)) launches.push({ index: i, attempt: attemptsOf(record, i) });
    }
    await Promise.all(outbox.results.map((r) => this.store.putResult(record.sweepId, r.index, r.result)));
    await Promise.all(launches.map((l) => this.launch(record, plan.iteration(l.index), l.attempt, parent)));
    if (outbox.progress) {
      await this.publisher.publish(
        SweepProgress,
        { sweepId: record.sweepId, total: record.total, done: record.done, failed: record.failed, running: record.running, retries: record.retries, updatedAt: new Date().toISOString() },
        { msgId: `${record.sweepId}:progress:${record.done}:${record.failed}:${record.retries}:${record.running}`, parent },
      );
    }
    if (outbox.end === 'completed') {
      try {
        await this.publishCompleted(record, plan, parent);
      } catch (e) {
        if (!isPayloadTooLarge(e)) throw e;
        record.status = 'failed';
        await this.publishTooLarge(record, e as Error, parent);
      }
    } else if (outbox.end === 'failed') await this.publishFailed(record, plan, parent);
  }

  /**
   * Every block succeeded, but the result does not fit in one message: end the sweep
   * with a clear sweep.failed instead of retrying the publish forever.
   */
  private async publishTooLarge(record: SweepRecord, e: Error, parent: ReturnType<typeof contextFromTraceparent>): Promise<void> {
    const message =
      `every block succeeded, but the sweep result (${record.total} iterations with their outputs) is larger than the NATS server's ` +
      `max_payload (${e.message}); raise max_payload in the nats-server configuration, or cut the sweep into smaller ones`;
    await this.publisher.publish(
      SweepFailed,
      { sweepId: record.sweepId, requestId: record.sweepId, total: record.total, done: record.done, failures: [], notStarted: 0, message, failedAt: new Date().toISOString() },
      { msgId: `${record.sweepId}:failed`, parent },
    );
    this.log.error(`sweep ${record.sweepId}: ${message}`);
  }

  private async launch(record: SweepRecord, it: PlannedIteration, attempt: number, parent: ReturnType<typeof contextFromTraceparent>): Promise<void> {
    const runId = childRunId(record.sweepId, it.index, attempt);
    const labels: Record<string, string> = {
      ...record.labels,
      sweepId: record.sweepId,
      iteration: String(it.index),
      attempt: String(attempt),
      ...(it.block ? { blockIndex: String(it.block.index) } : {}),
    };
    await this.publisher.publish(
      RunRequested,
      {
        requestId: runId,
        workflow: record.workflow,
        inputs: { ...record.inputs, ...iterationInputs(record.binding, it).inputs },
        labels,
        ...(record.requester ? { requester: record.requester } : {}),
        ...(record.options ? { options: record.options } : {}),
      },
      { msgId: runId, parent },
    );
  }

  private async publishCompleted(record: SweepRecord, plan: SweepPlan, parent: ReturnType<typeof contextFromTraceparent>): Promise<void> {
    const indexes = Array.from({ length: record.total }, (_, i) => i);
    const results = await this.store.results(record.sweepId, indexes);
    const iterations: SweepIterationResult[] = indexes.map((i) => {
      const it = plan.iteration(i);
      const r = results[i] ?? { runId: childRunId(record.sweepId, i, attemptsOf(record, i)), attempts: attemptsOf(record, i), costSeconds: 0, outputs: {} };
      return {
        index: i,
        runId: r.runId,
        attempts: r.attempts,
        parameters: iterationInputs(record.binding, it).inputs,
        ...(it.block ? { block: blockOf(it.block) } : {}),
        ...(it.group !== undefined ? { group: it.group } : {}),
        outputs: r.outputs,
      };
    });
    const merges: string[] = [];
    const g = plan.geometry;
    if (g) {
      for (let group = 0; group < plan.groups; group++) {
        const members = iterations.filter((x) => x.group === group);
        const requestId = `${record.sweepId}.m${group}`;
        const blocks = await this.inlineOrFile(record.sweepId, `m${group}.blocks`, members.map((m) => ({ ...m.block!, runId: m.runId, outputs: m.outputs })));
        await this.publisher.publish(
          MergeRequested,
          {
            requestId,
            sweepId: record.sweepId,
            group,
            parameters: iterationInputs(record.binding, plan.iteration(members[0]!.index)).groupInputs,
            volume: { ...(g.volume ? { uri: g.volume } : {}), shape: g.shape, bounds: g.grid.spec.frame },
            blockSize: g.grid.spec.size,
            halo: g.grid.spec.halo,
            counts: g.grid.counts,
            blocks: blocks.inline,
            ...(blocks.file ? { blocksFile: blocks.file } : {}),
            requestedAt: new Date().toISOString(),
          },
          { msgId: requestId, parent },
        );
        merges.push(requestId);
      }
    }
    const listed = await this.inlineOrFile(record.sweepId, 'iterations', iterations);
    await this.publisher.publish(
      SweepCompleted,
      {
        sweepId: record.sweepId,
        requestId: record.sweepId,
        total: record.total,
        iterations: listed.inline,
        ...(listed.file ? { iterationsFile: listed.file } : {}),
        merges,
        costSeconds: record.costSeconds,
        completedAt: new Date().toISOString(),
      },
      { msgId: `${record.sweepId}:completed`, parent },
    );
    this.log.log(`sweep ${record.sweepId} completed: ${record.total} iterations, ${merges.length} merge(s) requested`);
  }

  /**
   * A list to publish: inline when its JSON fits `SABER_SWEEP_INLINE_LIMIT` bytes, else written
   * to `<workDir>/sweeps/<sweepId>/<name>.json` (complete before it is named: written aside,
   * then renamed; the same name on a replay) and referred to by its `file://` URL.
   */
  private async inlineOrFile<T>(sweepId: string, name: string, list: T[]): Promise<{ inline: T[]; file?: string }> {
    const text = JSON.stringify(list);
    if (Buffer.byteLength(text) <= this.config.sweepInlineLimit) return { inline: list };
    const dir = join(this.config.workDir, 'sweeps', encodeURIComponent(sweepId));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${name}.json`);
    const aside = `${path}.${process.pid}.tmp`;
    await writeFile(aside, text);
    await rename(aside, path);
    this.log.log(`sweep ${sweepId}: ${list.length} ${name.endsWith('blocks') ? 'blocks' : 'iterations'} (${text.length} bytes) written to ${path}`);
    return { inline: [], file: pathToFileURL(path).href };
  }

  private async publishFailed(record: SweepRecord, plan: SweepPlan, parent: ReturnType<typeof contextFromTraceparent>): Promise<void> {
    const failures: SweepIterationFailure[] = Object.entries(record.failures)
      .map(([key, f]) => {
        const i = Number(key);
        const it = plan.iteration(i);
        return {
          index: i,
          runId: childRunId(record.sweepId, i, attemptsOf(record, i)),
          attempts: Math.max(1, attemptsOf(record, i)),
          ...(it.block ? { block: blockOf(it.block) } : {}),
          reason: f.reason,
          message: f.message,
        };
      })
      .sort((a, b) => a.index - b.index);
    const notStarted = record.state.split('').filter((c) => c === S.pending).length;
    const first = failures[0]!;
    const where = first.block ? `iteration ${first.index} (block ${first.block.index})` : `iteration ${first.index}`;
    const message =
      `${failures.length} of ${record.total} iterations failed for good` +
      `${notStarted ? `, ${notStarted} not started` : ''}; ${where}, run ${first.runId} after ${first.attempts} attempt(s): ${first.message.split('\n')[0]}`;
    await this.publisher.publish(
      SweepFailed,
      { sweepId: record.sweepId, requestId: record.sweepId, total: record.total, done: record.done, failures, notStarted, message, failedAt: new Date().toISOString() },
      { msgId: `${record.sweepId}:failed`, parent },
    );
    this.log.warn(`sweep ${record.sweepId} failed: ${message}`);
  }
}

/** The bus refused a message larger than the server's payload limit. */
function isPayloadTooLarge(e: unknown): boolean {
  return e instanceof Error && /max_payload|payload.*(too large|exceeded)/i.test(e.message);
}

function blockOf(b: Block): SweepBlock {
  return { index: b.index, position: b.position, core: b.core, halo: b.halo };
}
