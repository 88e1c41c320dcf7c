import { Inject, Injectable, Logger } from '@nestjs/common';
import { KvConflictError, MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import {
  RunAccepted, RunCompleted, RunFailed, RunRejected, RunRequested, StepReady,
  type StepCompleted, type StepFailed, type StepTask, DEFAULT_POOL,
} from '@saber/contracts';
import {
  CwlInputError, canonicalHash, completeTask, createWorkflowState, failTask, failedReason, isFinished, isTaskPending, readyTasks,
  resolveInputs, workflowOutputs, type TaskSpec,
} from '@saber/cwl';
import { Batcher, EventPublisher, SABER_CONFIG } from '@saber/runtime';
import { contextFromTraceparent, extractTraceContext, tracer, traceparentOf, withSpan, SpanKind, type Span } from '@saber/telemetry';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunRecord } from './run-record';
import { RunStore } from './run-store';
import { RunRejection, WorkflowSource } from './workflow-source';

/** A change to one run, applied in a batch by the run's mailbox. */
type RunChange =
  | { kind: 'dispatch' }
  | { kind: 'completed'; event: StepCompleted }
  | { kind: 'failed'; event: StepFailed };

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
  private readonly mailboxes = new Map<string, Batcher<RunChange>>();
  private readonly runSpans = new Map<string, Span>();

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
    if (await this.store.get(runId)) {
      this.log.log(`request ${runId} already accepted; ignoring the duplicate`);
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

  /** A task attempt finished successfully. */
  onStepCompleted(event: StepCompleted): Promise<void> {
    return this.post(event.runId, { kind: 'completed', event });
  }

  /** A task attempt failed. */
  onStepFailed(event: StepFailed): Promise<void> {
    return this.post(event.runId, { kind: 'failed', event });
  }

  /** A task exhausted its deliveries (its executors died): a retryable lost-worker failure. */
  async onDeadLetter(msg: BusMessage): Promise<void> {
    let task: StepTask;
    try {
      task = msg.json<StepTask>();
    } catch {
      this.log.error(`dead letter on ${msg.subject} is not JSON; dropped`);
      return;
    }
    if (!task || typeof task.runId !== 'string' || typeof task.taskId !== 'string') return;
    const reason = msg.headers['Saber-Dlq-Reason'] ?? 'delivery attempts exhausted';
    await this.onStepFailed({
      runId: task.runId,
      stepId: task.stepId,
      taskId: task.taskId,
      attempt: this.config.maxDeliver,
      failureType: 'lost-worker',
      retryable: false,
      message: `task was not completed by any executor: ${reason}`,
      stderrTail: '',
      costSeconds: 0,
      executorId: 'none',
      finishedAt: new Date().toISOString(),
    });
  }

  private post(runId: string, change: RunChange): Promise<void> {
    let box = this.mailboxes.get(runId);
    if (!box) {
      box = new Batcher<RunChange>((changes) => this.commit(runId, changes));
      this.mailboxes.set(runId, box);
    }
    const b = box;
    return b.post(change).finally(() => {
      if (b.idle && this.mailboxes.get(runId) === b) this.mailboxes.delete(runId);
    });
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
        throw e;
      }
      if (record.status !== 'running') {
        this.store.forget(runId);
        this.runSpans.get(runId)?.end();
        this.runSpans.delete(runId);
      }
      return;
    }
  }

  private async apply(record: RunRecord, changes: RunChange[]): Promise<Outbox> {
    const outbox: Outbox = { tasks: [], end: undefined };
    for (const change of changes) {
      if (change.kind === 'completed') {
        const e = change.event;
        if (!isTaskPending(record.state, e.taskId)) continue; // a replayed or late duplicate
        record.costSeconds += e.costSeconds;
        for (const [name, value] of Object.entries(e.metrics)) record.metrics[`${e.stepId}.${name}`] = value;
        completeTask(record.state, e.taskId, e.outputs);
      } else if (change.kind === 'failed') {
        const e = change.event;
        if (e.retryable) continue; // the executor retries it by redelivery
        if (!isTaskPending(record.state, e.taskId)) continue; // already finished: a late or duplicate report
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
    await Promise.all(outbox.tasks.map((t) => this.sendTask(record, t, parent)));
    const end = outbox.end;
    if (!end) return;
    const now = new Date().toISOString();
    if (end.kind === 'completed') {
      const outputs = workflowOutputs(record.state) ?? {};
      await this.publisher.publish(
        RunCompleted,
        { runId: record.runId, outputs, artifacts: artifactUris(outputs), metrics: record.metrics, costSeconds: record.costSeconds, completedAt: now },
        { msgId: `${record.runId}:completed`, parent },
      );
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

  private async sendTask(record: RunRecord, t: DispatchedTask, parent: ReturnType<typeof contextFromTraceparent>) {
    const { spec } = t;
    const local = spec.taskId.startsWith(`${record.runId}:`) ? spec.taskId.slice(record.runId.length + 1) : spec.taskId;
    const taskDir = join(this.config.workDir, 'runs', safe(record.runId), safe(local));
    const task: StepTask = {
      runId: record.runId,
      stepId: spec.stepId,
      taskId: spec.taskId,
      maxAttempts: record.options.maxAttempts,
      tool: spec.tool as unknown as Record<string, unknown>,
      toolHash: hashOf(spec.tool),
      inputs: spec.inputs,
      outputUri: pathToFileURL(taskDir).href,
      cache: record.options.cache,
      hints: { ...spec.hints },
      traceparent: record.traceparent,
    };
    const msgId = `${spec.taskId}#dispatch`;
    await withSpan(
      'saber.step.dispatch',
      { 'saber.run_id': record.runId, 'saber.step_id': spec.stepId, 'saber.task_id': spec.taskId, 'saber.pool': t.pool },
      async () => {
        // step.ready first, so that subscribers see it before the executor's step.started.
        await this.publisher.publish(
          StepReady,
          { runId: record.runId, stepId: spec.stepId, taskId: spec.taskId, attempt: 1, scatterIndex: spec.scatterIndex, pool: t.pool, inputs: spec.inputs },
          { msgId: `${msgId}:ready` },
        );
        await this.publisher.publishTask(t.pool, task, { msgId });
      },
      parent,
      SpanKind.PRODUCER,
    );
  }
}

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
