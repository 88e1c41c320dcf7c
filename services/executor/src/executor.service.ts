import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Bus, type BusMessage, type Subscription } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import { StepCompleted, StepFailed, StepStarted, StepTask, taskSubject } from '@saber/contracts';
import { BUS, EventPublisher, SABER_CONFIG } from '@saber/runtime';
import { contextFromTraceparent, withSpan, SpanKind } from '@saber/telemetry';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXECUTION_BACKEND, type ExecutionBackend } from './backends/execution-backend';
import { classifyError, classifyExit, type Failure } from './failure';

/**
 * Pulls step tasks from the work queue of its pool and runs them on the configured
 * backend. Executors of one pool share one durable consumer, so adding a replica adds
 * throughput and a crashed replica's tasks are redelivered. A task is acknowledged
 * only after its result (step.completed or step.failed) is durably published; while
 * a tool runs, `working()` heartbeats keep the task from being redelivered.
 */
@Injectable()
export class ExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('executor');
  private subscription?: Subscription;
  private readonly abort = new AbortController();
  /** Identifies this executor in events: host and process id. */
  readonly executorId = `${hostname()}-${process.pid}`;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SABER_CONFIG) private readonly config: SaberConfig,
    @Inject(EXECUTION_BACKEND) private readonly backend: ExecutionBackend,
    private readonly publisher: EventPublisher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { pool, executorConcurrency, ackWaitMs, maxDeliver } = this.config;
    this.subscription = await this.bus.consume(
      { stream: 'tasks', durable: `executor-${pool}`, filterSubject: taskSubject(pool), concurrency: executorConcurrency, ackWaitMs, maxDeliver },
      (msg) => this.handle(msg),
    );
    this.log.log(`executor ${this.executorId} serving pool "${pool}" (${executorConcurrency} at once, backend ${this.backend.name})`);
  }

  async onApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await this.subscription?.stop();
  }

  /** Runs one task message; resolves after the result is published (the caller acks). */
  async handle(msg: BusMessage): Promise<void> {
    const checked = StepTask.check(safeJson(msg));
    if (!checked.ok) {
      this.log.error(`malformed task on ${msg.subject} (seq ${msg.seq}): ${checked.problems.join('; ')}`);
      msg.term(`malformed task: ${checked.problems.join('; ')}`);
      return;
    }
    const task = checked.value;
    const parent = contextFromTraceparent(task.traceparent);
    await withSpan(
      'saber.task',
      { 'saber.run_id': task.runId, 'saber.step_id': task.stepId, 'saber.task_id': task.taskId, 'saber.attempt': msg.deliveryCount },
      () => this.execute(task, msg),
      parent,
      SpanKind.CONSUMER,
    );
  }

  private async execute(task: StepTask, msg: BusMessage): Promise<void> {
    const attempt = msg.deliveryCount;
    const ids = `run ${task.runId} task ${task.taskId} attempt ${attempt}`;
    const key = { runId: task.runId, stepId: task.stepId, taskId: task.taskId, attempt };
    const resultId = `${task.taskId}#${attempt}:result`;
    // Announced while the tool starts; awaited before the result is published, so
    // step.started always precedes step.completed/failed on the stream.
    const started = this.publisher.publish(
      StepStarted,
      { ...key, executorId: this.executorId, backend: this.backend.name, startedAt: new Date().toISOString() },
      { msgId: `${task.taskId}#${attempt}:started` },
    );
    const heartbeat = setInterval(() => msg.working(), Math.max(50, Math.floor(this.config.ackWaitMs / 3)));
    const outdir = join(fileURLToPath(task.outputUri), `attempt-${attempt}`);
    let scratch: string | undefined;
    let failure: Failure | null = null;
    let result;
    try {
      // Every attempt (delivery) gets its own directory, so a redelivery never sees a
      // crashed attempt's files; the backend creates it.
      scratch = await mkdtemp(join(tmpdir(), 'saber-task-'));
      result = await withSpan('saber.tool', { 'saber.task_id': task.taskId, 'saber.backend': this.backend.name }, () =>
        this.backend.run(task, { outdir, tmpdir: scratch!, signal: this.abort.signal }),
      );
      failure = classifyExit(task.tool, result);
    } catch (e) {
      failure = classifyError(e);
    } finally {
      clearInterval(heartbeat);
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }
    await started;
    const finishedAt = new Date().toISOString();
    if (!failure && result) {
      await this.publisher.publish(
        StepCompleted,
        {
          ...key,
          outputs: result.outputs,
          exitCode: result.exitCode,
          costSeconds: result.costSeconds,
          peakMemoryBytes: result.peakMemoryBytes,
          metrics: result.metrics,
          executorId: this.executorId,
          cached: false,
          finishedAt,
        },
        { msgId: resultId },
      );
      this.log.debug(`${ids} completed in ${result.costSeconds.toFixed(3)} s`);
      return;
    }
    const f = failure!;
    // Retry by redelivery while attempts remain; the event says whether another attempt follows.
    const retry = f.retryable && attempt < Math.min(task.maxAttempts, this.config.maxDeliver);
    this.log.warn(`${ids} failed (${f.type}${retry ? ', will retry' : ''}): ${f.message}`);
    await this.publisher.publish(
      StepFailed,
      {
        ...key,
        failureType: f.type,
        retryable: retry,
        message: f.message,
        exitCode: f.exitCode,
        stderrTail: result?.stderrTail ?? '',
        costSeconds: result?.costSeconds ?? 0,
        executorId: this.executorId,
        finishedAt,
      },
      { msgId: resultId },
    );
    if (retry) msg.nak(retryDelayMs(attempt));
  }
}

/** Back-off before attempt `attempt + 1`: 1 s, 2 s, 4 s, ... at most 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

function safeJson(msg: BusMessage): unknown {
  try {
    return msg.json();
  } catch (e) {
    return { malformed: (e as Error).message };
  }
}
