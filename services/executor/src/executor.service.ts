import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type Bus, type BusMessage, type Subscription } from '@saber/bus';
import { isEmbedded, type SaberConfig } from '@saber/config';
import { StepCompleted, StepFailed, StepStarted, StepTask, StepTaskBatch, batchElementTask, taskSubject } from '@saber/contracts';
import { isCacheable, stepCacheKey, type CwlTool } from '@saber/cwl';
import { BUS, EventPublisher, SABER_CONFIG } from '@saber/runtime';
import { contextFromTraceparent, withSpan, SpanKind } from '@saber/telemetry';
import { mkdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXECUTION_BACKEND, type ExecutionBackend } from './backends/execution-backend';
import { StepCache, type CacheEntry } from './cache/step-cache';
import { ConcurrencyLimit } from './concurrency-limit';
import { ScratchPool, type Scratch } from './scratch-pool';
import { recordResult, recordedResult } from './result-record';
import { classifyError, classifyExit, type Failure } from './failure';

/**
 * Pulls step tasks from the work queue of its pool and runs them on the configured
 * backend. Executors of one pool share one durable consumer, so adding a replica adds
 * throughput and a crashed replica's tasks are redelivered. A task is acknowledged
 * only after its result (step.completed or step.failed) is durably published; while
 * a tool runs, `working()` heartbeats keep the task from being redelivered. A batch
 * message (several scatter elements) is acknowledged when all its elements are.
 */
@Injectable()
export class ExecutorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('executor');
  private subscription?: Subscription;
  private readonly abort = new AbortController();
  /** Identifies this executor in events: host and process id. */
  readonly executorId = `${hostname()}-${process.pid}`;
  /** Tasks (single or batch elements) whose tools run at once. */
  private readonly limit: ConcurrencyLimit;
  /** Tasks being prepared at once (cache lookup, output directory); see {@link execute}. */
  private readonly preparing: ConcurrencyLimit;
  private readonly cache: StepCache;
  private readonly scratch = new ScratchPool(tmpdir());
  /**
   * Whether published results are recorded for replay after a redelivery (see
   * result-record.ts): in distributed mode. Embedded, the bus lives and dies with
   * this process, so nothing is ever redelivered to another executor.
   */
  private readonly replayable: boolean;

  constructor(
    @Inject(BUS) private readonly bus: Bus,
    @Inject(SABER_CONFIG) private readonly config: SaberConfig,
    @Inject(EXECUTION_BACKEND) private readonly backend: ExecutionBackend,
    private readonly publisher: EventPublisher,
  ) {
    this.limit = new ConcurrencyLimit(config.executorConcurrency);
    this.preparing = new ConcurrencyLimit(config.executorConcurrency);
    this.cache = new StepCache(config.cacheDir);
    this.replayable = !isEmbedded(config);
  }

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
    this.scratch.close();
  }

  /** Runs one task message (a task or a batch); resolves after every result is published (the caller acks). */
  async handle(msg: BusMessage): Promise<void> {
    const body = safeJson(msg);
    if (isBatch(body)) return this.handleBatch(msg, body);
    const checked = StepTask.check(body);
    if (!checked.ok) return this.reject(msg, checked.problems);
    const task = checked.value;
    const attempt = msg.deliveryCount;
    // Retry by redelivery while attempts remain.
    const canRetry = attempt < Math.min(task.maxAttempts, this.config.maxDeliver);
    if (attempt > 1 && (await this.replayRecorded(task))) return;
    const outcome = await this.heartbeating(msg, () => this.attempt(task, attempt, canRetry));
    if (outcome === 'retry') msg.nak(retryDelayMs(attempt));
  }

  /**
   * Runs the elements of a batch concurrently (within the executor's limit). A
   * retryable failure is retried here, after a back-off, so that the elements that
   * succeeded do not run again; see {@link StepTaskBatch} for attempt numbers.
   */
  private async handleBatch(msg: BusMessage, body: unknown): Promise<void> {
    const checked = StepTaskBatch.check(body);
    if (!checked.ok) return this.reject(msg, checked.problems);
    const batch = checked.value;
    const base = (msg.deliveryCount - 1) * batch.maxAttempts;
    const runElement = async (i: number) => {
      const task = batchElementTask(batch, i);
      if (base > 0 && (await this.replayRecorded(task))) return;
      for (let t = 1; ; t++) {
        const outcome = await this.attempt(task, base + t, t < batch.maxAttempts);
        if (outcome !== 'retry' || this.abort.signal.aborted) return;
        await sleep(retryDelayMs(t), this.abort.signal);
      }
    };
    await this.heartbeating(msg, () => Promise.all(batch.elements.map((_, i) => runElement(i))));
  }

  /**
   * On a redelivery: re-publishes the result an earlier delivery already published
   * (same dedupe id), instead of running the task again. True when there was one.
   */
  private async replayRecorded(task: StepTask): Promise<boolean> {
    const r = await recordedResult(task.outputUri);
    if (!r || r.event.taskId !== task.taskId) return false;
    if (r.kind === 'completed') await this.publisher.publish(StepCompleted, r.event, { msgId: r.msgId });
    else await this.publisher.publish(StepFailed, r.event, { msgId: r.msgId });
    this.log.log(`run ${task.runId} task ${task.taskId}: result of attempt ${r.event.attempt} already published; not run again`);
    return true;
  }

  /**
   * The step cache key of a task, or undefined when its result must not be reused:
   * the run or the step (`saber: use_cache: false`) turned the cache off, the tool is
   * not cacheable (see isCacheable), or an input cannot be read (the tool then runs
   * and reports the problem itself).
   */
  private async cacheKeyOf(task: StepTask): Promise<string | undefined> {
    const tool = task.tool as unknown as CwlTool;
    if (!task.cache || task.hints.useCache === false || !isCacheable(tool)) return undefined;
    try {
      const imageDigest = await this.backend.imageDigestOf?.(task);
      return await stepCacheKey(task.inputs, { toolHash: task.toolHash, backend: this.backend.name, imageDigest });
    } catch (e) {
      this.log.debug(`run ${task.runId} task ${task.taskId}: no cache key (${(e as Error).message})`);
      return undefined;
    }
  }

  /** Publishes a cached result as this attempt's: step.started (backend `cache`) and step.completed with `cached: true`. */
  private async reportCached(task: StepTask, attempt: number, hit: CacheEntry): Promise<'done'> {
    const key = { runId: task.runId, stepId: task.stepId, taskId: task.taskId, attempt };
    const now = new Date().toISOString();
    await this.publisher.publish(StepStarted, { ...key, executorId: this.executorId, backend: 'cache', startedAt: now }, { msgId: `${task.taskId}#${attempt}:started` });
    const resultId = `${task.taskId}#${attempt}:result`;
    const event: StepCompleted = {
      ...key,
      outputs: hit.outputs,
      exitCode: hit.exitCode,
      costSeconds: 0,
      peakMemoryBytes: 0,
      metrics: hit.metrics,
      executorId: this.executorId,
      cached: true,
      finishedAt: now,
    };
    if (this.replayable) await recordResult(task.outputUri, { kind: 'completed', msgId: resultId, event });
    await this.publisher.publish(StepCompleted, event, { msgId: resultId });
    this.log.log(`run ${task.runId} task ${task.taskId}: reused the result of ${hit.taskId} (step cache)`);
    return 'done';
  }

  /** Remembers a successful result; a cache that cannot be written only costs a warning. */
  private async storeInCache(cacheKey: string, event: StepCompleted): Promise<void> {
    try {
      await this.cache.store({
        key: cacheKey, outputs: event.outputs, metrics: event.metrics, exitCode: event.exitCode ?? 0, costSeconds: event.costSeconds,
        runId: event.runId, taskId: event.taskId, storedAt: event.finishedAt,
      });
    } catch (e) {
      this.log.warn(`run ${event.runId} task ${event.taskId}: step cache not written (${(e as Error).message})`);
    }
  }

  private reject(msg: BusMessage, problems: string[]): void {
    this.log.error(`malformed task on ${msg.subject} (seq ${msg.seq}): ${problems.join('; ')}`);
    msg.term(`malformed task: ${problems.join('; ')}`);
  }

  /** Keeps `msg` from being redelivered while `work` runs. */
  private async heartbeating<T>(msg: BusMessage, work: () => Promise<T>): Promise<T> {
    const heartbeat = setInterval(() => msg.working(), Math.max(50, Math.floor(this.config.ackWaitMs / 3)));
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Runs attempt `attempt` of one task and publishes step.started and its result.
   * Returns `retry` when it failed retryably and `canRetry` allows another attempt.
   */
  private attempt(task: StepTask, attempt: number, canRetry: boolean): Promise<'done' | 'retry'> {
    return withSpan(
      'saber.task',
      { 'saber.run_id': task.runId, 'saber.step_id': task.stepId, 'saber.task_id': task.taskId, 'saber.attempt': attempt },
      () => this.execute(task, attempt, canRetry),
      contextFromTraceparent(task.traceparent),
      SpanKind.CONSUMER,
    );
  }

  /**
   * An attempt in two stages, each with `executorConcurrency` slots, so that one
   * task's bookkeeping overlaps another's tool. Preparing: the step cache lookup
   * (a hit ends the attempt here) and the attempt's output directory. Running: from
   * step.started until the tool's process has ended. Collecting the outputs,
   * publishing the result and cleaning up hold no slot.
   */
  private async execute(task: StepTask, attempt: number, canRetry: boolean): Promise<'done' | 'retry'> {
    const endPreparing = await this.preparing.acquire();
    let release: (() => void) | undefined;
    try {
      const cacheKey = await this.cacheKeyOf(task);
      const hit = cacheKey ? await this.cache.lookup(cacheKey) : undefined;
      if (hit) return await this.reportCached(task, attempt, hit);
      // Every attempt gets its own directory, so a retry never sees a crashed
      // attempt's files. A command line tool's is made here; when that fails, the
      // backend tries again (and reports). An ExpressionTool gets none.
      const outdir = join(fileURLToPath(task.outputUri), `attempt-${attempt}`);
      const outdirMade = (task.tool as { class?: unknown }).class === 'CommandLineTool' && makeDir(outdir);
      release = await this.limit.acquire();
      endPreparing();
      return await this.runTool(task, attempt, canRetry, { cacheKey, outdir, outdirMade }, release);
    } finally {
      endPreparing();
      release?.();
    }
  }

  /** The running stage of {@link execute}; calls `release` once the tool's process has ended. */
  private async runTool(
    task: StepTask,
    attempt: number,
    canRetry: boolean,
    prepared: { cacheKey: string | undefined; outdir: string; outdirMade: boolean },
    release: () => void,
  ): Promise<'done' | 'retry'> {
    const { cacheKey, outdir, outdirMade } = prepared;
    const ids = `run ${task.runId} task ${task.taskId} attempt ${attempt}`;
    const key = { runId: task.runId, stepId: task.stepId, taskId: task.taskId, attempt };
    const resultId = `${task.taskId}#${attempt}:result`;
    // Announced without waiting for the stream's answer: publishes of one connection are
    // stored in order, so step.started still precedes step.completed/failed on the
    // stream, and the round trip per task is saved (a lost step.started costs only itself).
    this.publisher.publishUnacked(
      StepStarted,
      { ...key, executorId: this.executorId, backend: this.backend.name, startedAt: new Date().toISOString() },
      { msgId: `${task.taskId}#${attempt}:started` },
    );
    let scratch: Scratch | undefined;
    let failure: Failure | null = null;
    let result;
    try {
      scratch = await this.scratch.acquire();
      const context = { outdir, tmpdir: scratch.tmpdir, logdir: scratch.logdir, dirsReady: outdirMade, signal: this.abort.signal, toolEnded: release };
      result = await withSpan('saber.tool', { 'saber.task_id': task.taskId, 'saber.backend': this.backend.name }, () => this.backend.run(task, context));
      failure = classifyExit(task.tool, result);
    } catch (e) {
      failure = classifyError(e);
    } finally {
      release();
      if (scratch) await this.scratch.release(scratch);
    }
    const finishedAt = new Date().toISOString();
    if (!failure && result) {
      const event: StepCompleted = {
        ...key,
        outputs: result.outputs,
        exitCode: result.exitCode,
        costSeconds: result.costSeconds,
        peakMemoryBytes: result.peakMemoryBytes,
        metrics: result.metrics,
        executorId: this.executorId,
        cached: false,
        finishedAt,
      };
      if (this.replayable) await recordResult(task.outputUri, { kind: 'completed', msgId: resultId, event });
      await this.publisher.publish(StepCompleted, event, { msgId: resultId });
      if (cacheKey) await this.storeInCache(cacheKey, event);
      this.log.debug(`${ids} completed in ${result.costSeconds.toFixed(3)} s`);
      return 'done';
    }
    const f = failure!;
    // The event says whether another attempt follows.
    const retry = f.retryable && canRetry;
    this.log.warn(`${ids} failed (${f.type}${retry ? ', will retry' : ''}): ${f.message}`);
    const event: StepFailed = {
      ...key,
      failureType: f.type,
      retryable: retry,
      message: f.message,
      exitCode: f.exitCode,
      stderrTail: result?.stderrTail ?? '',
      costSeconds: result?.costSeconds ?? 0,
      executorId: this.executorId,
      finishedAt,
    };
    if (!retry && this.replayable) await recordResult(task.outputUri, { kind: 'failed', msgId: resultId, event });
    await this.publisher.publish(StepFailed, event, { msgId: resultId });
    return retry ? 'retry' : 'done';
  }
}

/** Back-off before attempt `attempt + 1`: 1 s, 2 s, 4 s, ... at most 30 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** (attempt - 1));
}

/** A batch message is told apart from a single task by its `elements`. */
function isBatch(body: unknown): boolean {
  return typeof body === 'object' && body !== null && Array.isArray((body as { elements?: unknown }).elements);
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function safeJson(msg: BusMessage): unknown {
  try {
    return msg.json();
  } catch (e) {
    return { malformed: (e as Error).message };
  }
}

/**
 * Makes a task's attempt directory `dir` and its parents (synchronously: see
 * StepCache); false when that fails. The task directory above it is usually new:
 * making it first (an error when it exists) saves the failed call with which a
 * recursive mkdir of `dir` would start.
 */
function makeDir(dir: string): boolean {
  try {
    mkdirSync(dirname(dir));
  } catch {
    // exists, or its own parents are missing: the recursive call below decides
  }
  try {
    mkdirSync(dir, { recursive: true });
    return true;
  } catch {
    return false;
  }
}
