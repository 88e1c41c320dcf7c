import { Inject, Injectable, Logger } from '@nestjs/common';
import { KvConflictError, MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import {
  RunAccepted, RunCompleted, RunFailed, RunRejected, RunRequested, StepReady,
  type BatchElement, type StepCompleted, type StepFailed, type StepTask, type StepTaskBatch, DEFAULT_POOL,
} from '@saber/contracts';
import {
  CwlInputError, canonicalHash, completeTask, createWorkflowState, failTask, failedReason, isFinished, isTaskPending, isTaskUndispatched, readyTasks,
  resolveInputs, workflowOutputs, type TaskSpec,
} from '@saber/cwl';
import { EventPublisher, Mailboxes, SABER_CONFIG } from '@saber/runtime';
import { contextFromTraceparent, extractTraceContext, tracer, traceparentOf, withSpan, SpanKind, type Span } from '@saber/telemetry';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunRecord } from './run-record';
import { RunStateTooLargeError, RunStore } from './run-store';
import { groupTasks, type TaskGroup } from './task-batches';
import { RunRejection, WorkflowSource } from './workflow-source';

/** A change to one run, applied in a batch by the run's mailbox. */
type RunChange =
  | { kind: 'dispatch' }
  | { kind: 'completed'; event: StepCompleted; early?: boolean }
  | { kind: 'failed'; event: StepFailed; early?: boolean };

/**
 * Milliseconds after which a result that arrived before its task's dispatch was saved is
 * delivered again (see {@link PlannerService.onStepCompleted}): `deliveryCount` is the
 * delivery that found it early. Usually the commit of its first delivery redispatched the
 * task, and 200 ms is enough. When its step waits on a result the crashed planner took with
 * it, that message comes back only after the ack wait: the last retries wait longer, so
 * that the consumer's 5 deliveries span more than `ackWaitMs`.
 */
export function earlyResultRetryMs(deliveryCount: number, ackWaitMs: number): number {
  return deliveryCount <= 1 ? 200 : deliveryCount === 2 ? 1_000 : deliveryCount === 3 ? 5_000 : ackWaitMs + 5_000;
}

/** Path segment safe on every file system. */
function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 120) || '_';
}

/** Every File/Directory location in a CWL value. */
export function artifactUris(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) artifactUris(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if ((o.class === 'File' || o.class === 'Directory') && typeof o.location === 'string') out.push(o.location);
    for (const [k, v] of Object.entries(o)) if (k !== 'location') artifactUris(v, out);
  }
  return out;
}

/**
 * Drives runs: turns accepted requests into workflow state, dispatches ready steps
 * as tasks, advances on step results (executors retry retryable failures by
 * redelivery; a final failure fails the run), and publishes the run's end. All state lives in JetStream KV (see {@link RunStore}); every message it
 * publishes has a deterministic dedupe id, so replaying an event after a crash is
 * harmless.
 */
@Injectable()
export class PlannerService {
  private readonly log = new Logger('planner');
  // With many tasks in flight, results arrive one by one: waiting a moment lets several
  // share one state write. With few, every result commits at once.
  private readonly mailboxes = new Mailboxes<RunChange>(
    (runId, changes) => this.commit(runId, changes),
    (runId) => ((this.inFlight.get(runId) ?? 0) >= LINGER_MIN_IN_FLIGHT ? PLANNER_LINGER_MS : 0),
  );
  private readonly runSpans = new Map<string, Span>();
  /** Tasks dispatched and not yet finished, per run (this planner's view; 0 after a restart). */
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: RunStore,
    private readonly publisher: EventPublisher,
    private readonly source: WorkflowSource,
    @Inject(SABER_CONFIG) private readonly config: SaberConfig,
  ) {}

  /** Handles one run.requested message, publishing run.accepted or run.rejected. */
  async onRunRequested(msg: BusMessage): Promise<void> {
    await withSpan('saber.run.request', { 'saber.msg_id': msg.headers[MSG_ID_HEADER] ?? '' }, () => this.handleRequest(msg), extractTraceContext(msg.headers), SpanKind.CONSUMER);
  }

  private async handleRequest(msg: BusMessage): Promise<void> {
    const fallbackId = msg.headers[MSG_ID_HEADER] ?? `seq-${msg.seq}`;
    let requestId = fallbackId;
    try {
      let body: unknown;
      try {
        body = msg.json();
      } catch (e) {
        throw new RunRejection('malformed-message', `run request is not valid JSON: ${(e as Error).message}`);
      }
      if (body && typeof body === 'object' && typeof (body as { requestId?: unknown }).requestId === 'string') {
        requestId = (body as { requestId: string }).requestId;
      }
      const checked = RunRequested.check(body);
      if (!checked.ok) throw new RunRejection('invalid-request', `run request does not match run.requested/v1`, checked.problems);
      await this.accept(checked.value);
    } catch (e) {
      if (!(e instanceof RunRejection)) throw e;
      this.log.warn(`request ${requestId} rejected (${e.reason}): ${e.message}`);
      await this.publisher.publish(
        RunRejected,
        { requestId, reason: e.reason, message: e.message, details: e.details, rejectedAt: new Date().toISOString() },
        { msgId: `${requestId}:rejected` },
      );
    }
  }

  private async accept(request: RunRequested): Promise<void> {
    const runId = request.requestId;
    const existing = await this.store.get(runId);
    if (existing) {
      this.log.log(`request ${runId} already accepted; ignoring the duplicate`);
      // A planner that crashed during the run's first dispatch left it accepted with nothing
      // sent: dispatching again sends what is ready and not yet sent (the same task ids, so
      // what did go out is deduplicated), and does nothing for a run already under way.
      if (existing.record.status === 'running') await this.post(runId, { kind: 'dispatch' });
      return;
    }
    const span = tracer().startSpan('saber.run', { attributes: { 'saber.run_id': runId } });
    const loaded = await withSpan('saber.plan', { 'saber.run_id': runId }, () => this.source.load(request.workflow), contextFromTraceparent(traceparentOf(span)));
    let inputs: Record<string, unknown>;
    try {
      inputs = resolveInputs(loaded.process, request.inputs);
    } catch (e) {
      span.end();
      if (e instanceof CwlInputError) throw new RunRejection('invalid-inputs', e.message);
      throw e;
    }
    const record: RunRecord = {
      runId,
      requestId: request.requestId,
      status: 'running',
      workflow: { name: loaded.name, uri: loaded.uri, contentHash: loaded.contentHash },
      traceparent: traceparentOf(span),
      options: {
        cache: request.options?.cache ?? true,
        maxAttempts: request.options?.maxAttempts ?? this.config.maxAttempts,
      },
      state: createWorkflowState(loaded.process, inputs, runId),
      costSeconds: 0,
      metrics: {},
      createdAt: new Date().toISOString(),
    };
    if ((await this.store.create(record)) === null) {
      span.end();
      return; // another planner accepted it first
    }
    this.runSpans.set(runId, span);
    await this.publisher.publish(
      RunAccepted,
      {
        runId,
        requestId: request.requestId,
        workflow: record.workflow,
        steps: stepIds(loaded.process),
        labels: request.labels,
        requester: request.requester,
        inputs,
        acceptedAt: record.createdAt,
      },
      { msgId: `${runId}:accepted`, parent: contextFromTraceparent(record.traceparent) },
    );
    this.log.log(`run ${runId} accepted: ${loaded.name} (${loaded.contentHash.slice(0, 12)})`);
    await this.post(runId, { kind: 'dispatch' });
  }

  /**
   * A task attempt finished successfully. Resolves to true when the result came before the
   * run's saved state had dispatched its task (a planner crashed between publishing tasks
   * and storing the run): the commit redispatched what was ready, and the caller should
   * deliver the result again (`nak`) once that is saved, instead of acknowledging it.
   */
  async onStepCompleted(event: StepCompleted): Promise<boolean> {
    const change: RunChange = { kind: 'completed', event };
    await this.post(event.runId, change);
    return change.early === true;
  }

  /** How long to wait before a result found early on delivery `deliveryCount` is delivered again. */
  earlyRetryMs(deliveryCount: number): number {
    return earlyResultRetryMs(deliveryCount, this.config.ackWaitMs);
  }

  /** A task attempt failed. Resolves as {@link onStepCompleted} does. */
  async onStepFailed(event: StepFailed): Promise<boolean> {
    const change: RunChange = { kind: 'failed', event };
    await this.post(event.runId, change);
    return change.early === true;
  }

  /** A task (or a batch of elements) exhausted its deliveries (its executors died): a lost-worker failure. */
  async onDeadLetter(msg: BusMessage): Promise<void> {
    let body: Partial<StepTask & StepTaskBatch>;
    try {
      body = msg.json();
    } catch {
      this.log.error(`dead letter on ${msg.subject} is not JSON; dropped`);
      return;
    }
    if (!body || typeof body.runId !== 'string' || typeof body.stepId !== 'string') return;
    const taskIds = Array.isArray(body.elements) ? body.elements.map((e) => e?.taskId) : [body.taskId];
    const reason = msg.headers['Saber-Dlq-Reason'] ?? 'delivery attempts exhausted';
    const { runId, stepId } = body;
    const lost = taskIds.filter((id): id is string => typeof id === 'string');
    await Promise.all(
      lost.map((taskId) => this.onStepFailed({
        runId,
        stepId,
        taskId,
        attempt: this.config.maxDeliver,
        failureType: 'lost-worker',
        retryable: false,
        message: `task was not completed by any executor: ${reason}`,
        stderrTail: '',
        costSeconds: 0,
        executorId: 'none',
        finishedAt: new Date().toISOString(),
      })),
    );
  }

  private post(runId: string, change: RunChange): Promise<void> {
    return this.mailboxes.post(runId, change);
  }

  /** Applies a batch of changes to a run and commits the result (retrying on CAS conflicts). */
  private async commit(runId: string, changes: RunChange[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const stored = await this.store.get(runId);
      if (!stored) {
        this.log.warn(`event for unknown run ${runId} ignored`);
        return;
      }
      const record = stored.record;
      if (record.status !== 'running') return;
      try {
        const outbox = await this.apply(record, changes);
        await this.flush(record, outbox);
        await this.store.update(record, stored.revision);
      } catch (e) {
        this.store.forget(runId); // the cached record may be half-changed
        if (e instanceof KvConflictError && attempt < 20) continue;
        if (e instanceof RunStateTooLargeError) return this.failTooLarge(runId, e);
        throw e;
      }
      if (record.status !== 'running') {
        this.store.forget(runId);
        this.inFlight.delete(runId);
        this.runSpans.get(runId)?.end();
        this.runSpans.delete(runId);
      }
      return;
    }
  }

  /**
   * The run's state outgrew a KV value: the run cannot continue (its progress could
   * not be saved). Fails it with a message saying so, and stores the record without
   * its workflow state, so later events for it are ignored. Tasks already sent
   * still run; their results are recorded by the catalog.
   */
  private async failTooLarge(runId: string, error: RunStateTooLargeError): Promise<void> {
    this.log.error(`run ${runId} failed: ${error.message}`);
    const stored = await this.store.get(runId);
    if (!stored || stored.record.status !== 'running') return;
    const record = stored.record;
    await this.publisher.publish(
      RunFailed,
      { runId, reason: 'state-too-large', message: error.message, failedAt: new Date().toISOString() },
      { msgId: `${runId}:failed`, parent: contextFromTraceparent(record.traceparent) },
    );
    record.status = 'failed';
    record.state = { ...record.state, scopes: {}, dirty: [], status: 'failed', failure: { message: error.message } };
    await this.store.update(record, stored.revision);
    this.store.forget(runId);
    this.inFlight.delete(runId);
    this.runSpans.get(runId)?.end();
    this.runSpans.delete(runId);
  }

  private async apply(record: RunRecord, changes: RunChange[]): Promise<Outbox> {
    const outbox: Outbox = { tasks: [], end: undefined };
    for (const change of changes) {
      if (change.kind === 'completed') {
        const e = change.event;
        if (!isTaskPending(record.state, e.taskId)) {
          change.early = isTaskUndispatched(record.state, e.taskId); // else a replayed or late duplicate
          continue;
        }
        record.costSeconds += e.costSeconds;
        for (const [name, value] of Object.entries(e.metrics)) record.metrics[`${e.stepId}.${name}`] = value;
        completeTask(record.state, e.taskId, e.outputs);
        this.inFlight.set(record.runId, Math.max(0, (this.inFlight.get(record.runId) ?? 0) - 1));
      } else if (change.kind === 'failed') {
        const e = change.event;
        if (e.retryable) continue; // the executor retries it by redelivery
        if (!isTaskPending(record.state, e.taskId)) {
          change.early = isTaskUndispatched(record.state, e.taskId); // else already finished: a late or duplicate report
          continue;
        }
        record.costSeconds += e.costSeconds;
        failTask(record.state, e.taskId, `${e.failureType}: ${e.message}`);
        record.status = 'failed';
        outbox.end = { kind: 'failed', event: e };
      }
    }
    if (record.status === 'running') {
      const next = await readyTasks(record.state);
      record.state = next.state;
      for (const spec of next.tasks) {
        outbox.tasks.push({ pool: poolOf(spec), spec });
      }
      if (isFinished(record.state)) {
        const reason = failedReason(record.state);
        record.status = reason ? 'failed' : 'completed';
        outbox.end = reason ? { kind: 'failed', message: reason } : { kind: 'completed' };
      }
    }
    return outbox;
  }

  /** Publishes what a batch produced. Every id is deterministic, so a replay is deduplicated. */
  private async flush(record: RunRecord, outbox: Outbox): Promise<void> {
    const parent = contextFromTraceparent(record.traceparent);
    if (outbox.tasks.length) this.inFlight.set(record.runId, (this.inFlight.get(record.runId) ?? 0) + outbox.tasks.length);
    const groups = groupTasks(outbox.tasks, this.config.taskBatch);
    // A few groups at a time: each group's task message waits for the acks of its
    // step.ready events, and with every group at once those queue behind all the others'
    // (a 1,000-way scatter: no executor starts before 1,000 step.ready are stored).
    let next = 0;
    const sender = async () => {
      while (next < groups.length) await this.sendGroup(record, groups[next++]!, parent);
    };
    await Promise.all(Array.from({ length: Math.min(GROUPS_IN_FLIGHT, groups.length) }, sender));
    const end = outbox.end;
    if (!end) return;
    const now = new Date().toISOString();
    if (end.kind === 'completed') {
      const outputs = workflowOutputs(record.state) ?? {};
      try {
        await this.publisher.publish(
          RunCompleted,
          { runId: record.runId, outputs, artifacts: artifactUris(outputs), metrics: record.metrics, costSeconds: record.costSeconds, completedAt: now },
          { msgId: `${record.runId}:completed`, parent },
        );
      } catch (e) {
        if (!(e instanceof Error && /max_payload/i.test(e.message))) throw e;
        const bytes = Buffer.byteLength(JSON.stringify(outputs));
        const message = `the outputs of run ${record.runId} are ${bytes} bytes of JSON, more than the NATS server's max_payload allows; ` +
          'return large results as Files instead of values, or raise max_payload in the nats-server configuration';
        this.log.error(`run ${record.runId} failed: ${message}`);
        record.status = 'failed';
        await this.publisher.publish(RunFailed, { runId: record.runId, reason: 'outputs-too-large', message, failedAt: now }, { msgId: `${record.runId}:failed`, parent });
        return;
      }
      this.log.log(`run ${record.runId} completed`);
    } else {
      const e = end.event;
      await this.publisher.publish(
        RunFailed,
        {
          runId: record.runId,
          reason: e?.failureType ?? 'workflow-failed',
          message: e ? `step ${e.stepId} failed (${e.failureType}${e.exitCode !== undefined ? `, exit code ${e.exitCode}` : ''}): ${e.message}` : (end.message ?? 'workflow failed'),
          failedStep: e?.stepId,
          stderrTail: e?.stderrTail,
          failedAt: now,
        },
        { msgId: `${record.runId}:failed`, parent },
      );
      this.log.warn(`run ${record.runId} failed`);
    }
  }

  /** Publishes step.ready for each task of a group, then the group as one task message. */
  private async sendGroup(record: RunRecord, group: TaskGroup, parent: ReturnType<typeof contextFromTraceparent>) {
    const first = group.specs[0]!;
    const elements: BatchElement[] = group.specs.map((spec) => ({ taskId: spec.taskId, inputs: spec.inputs, outputUri: this.taskDirUri(record.runId, spec.taskId) }));
    const shared = {
      runId: record.runId,
      stepId: first.stepId,
      maxAttempts: record.options.maxAttempts,
      tool: first.tool as unknown as Record<string, unknown>,
      toolHash: hashOf(first.tool),
      cache: record.options.cache,
      hints: { ...first.hints },
      traceparent: record.traceparent,
    };
    const batched = group.specs.length > 1;
    const msgId = batched ? `${first.taskId}#dispatch${group.specs.length}` : `${first.taskId}#dispatch`;
    await withSpan(
      'saber.step.dispatch',
      { 'saber.run_id': record.runId, 'saber.step_id': first.stepId, 'saber.task_id': first.taskId, 'saber.pool': group.pool, 'saber.elements': group.specs.length },
      async () => {
        // step.ready first, so that subscribers see it before the executor's step.started.
        await Promise.all(
          group.specs.map((spec) =>
            this.publisher.publish(
              StepReady,
              { runId: record.runId, stepId: spec.stepId, taskId: spec.taskId, attempt: 1, scatterIndex: spec.scatterIndex, pool: group.pool, inputs: spec.inputs },
              { msgId: `${spec.taskId}#dispatch:ready` },
            ),
          ),
        );
        if (batched) {
          const batch: StepTaskBatch = { ...shared, batchId: msgId, elements };
          await this.publisher.publishTaskBatch(group.pool, batch, { msgId });
        } else {
          const task: StepTask = { ...shared, ...elements[0]! };
          await this.publisher.publishTask(group.pool, task, { msgId });
        }
      },
      parent,
      SpanKind.PRODUCER,
    );
  }

  /** The task's directory (URI) under the shared work directory. */
  private taskDirUri(runId: string, taskId: string): string {
    const local = taskId.startsWith(`${runId}:`) ? taskId.slice(runId.length + 1) : taskId;
    return pathToFileURL(join(this.config.workDir, 'runs', safe(runId), safe(local))).href;
  }
}

/** Task messages (with their step.ready events) one flush publishes at once. */
export const GROUPS_IN_FLIGHT = 4;

/** Tasks in flight from which the planner waits {@link PLANNER_LINGER_MS} before committing a run's results. */
export const LINGER_MIN_IN_FLIGHT = 16;

/**
 * Milliseconds a busy run's mailbox waits before committing, so that results arriving
 * meanwhile share one state write (a 1,000-way scatter on NATS: ~2 results per
 * write instead of 1). Small next to any real tool's run time.
 */
export const PLANNER_LINGER_MS = 20;

/** A task to send: its spec and the pool whose executors run it. */
interface DispatchedTask {
  pool: string;
  spec: TaskSpec;
}

interface Outbox {
  tasks: DispatchedTask[];
  end?: { kind: 'completed' } | { kind: 'failed'; event?: StepFailed; message?: string };
}

function poolOf(spec: TaskSpec): string {
  const q = spec.hints?.pool;
  return typeof q === 'string' && /^[A-Za-z0-9_-]+$/.test(q) ? q : DEFAULT_POOL;
}

/** Tool hashes by object: the elements of one scatter share their tool object, so it is hashed once. */
const toolHashes = new WeakMap<object, string>();

function hashOf(tool: object): string {
  let h = toolHashes.get(tool);
  if (!h) toolHashes.set(tool, (h = canonicalHash(tool)));
  return h;
}

function stepIds(process: { class: string; steps?: Array<{ id: string }> }): string[] {
  return process.class === 'Workflow' ? (process.steps ?? []).map((s) => s.id) : ['main'];
}
