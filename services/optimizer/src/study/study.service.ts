import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import {
  RunCompleted, RunFailed, RunRejected, RunRequested, StudyAccepted, StudyCompleted, StudyFailed, StudyRejected, StudyRequested,
  StudyTrialCompleted, StudyTrialStarted, SweepFailed, SweepRejected, SweepRequested,
  type StudyTrialSummary,
} from '@saber/contracts';
import {
  aggregate, bestObservation, cannotBeat, bestReachable, createSampler, describeDimension, parseStudy, trialInputs,
  type Observation, type Sampler, type StudySpec,
} from '@saber/optimize';
import { EventPublisher, Mailboxes, takeRequest } from '@saber/runtime';
import { contextFromTraceparent, extractTraceContext, SpanKind, tracer, traceparentOf, withSpan } from '@saber/telemetry';
import { scoreOfRun, type ScoreOutcome } from './score-reader';
import { StudyIntake, type PreparedStudy } from './study-intake';
import type { StudyRecord, TrialRecord } from './study-record';
import { StudyStore } from './study-store';
import { parseBlockRunId, parseTrialRunId, trialRunId } from './trial-id';

/** A change to one study, applied in a batch by the study's mailbox. */
type StudyChange =
  | { kind: 'dispatch' }
  | { kind: 'resume' }
  /** The run of a trial without blocks completed. */
  | { kind: 'run-completed'; trial: number; outcome: ScoreOutcome; costSeconds: number }
  /** The run (or block sweep) of a trial failed or was rejected. */
  | { kind: 'failed'; trial: number; message: string }
  /** One block run of a trial with blocks completed. */
  | { kind: 'block'; trial: number; index: number; outcome: ScoreOutcome; costSeconds: number };

/** What one batch of changes publishes. */
interface Outbox {
  launches: number[];
  finished: number[];
  resume: boolean;
  end?: 'completed' | 'failed';
}

/** A study's file, parsed again from its record (pure), and its sampler. */
interface Compiled {
  spec: StudySpec;
  sampler: Sampler;
}

type Parent = ReturnType<typeof contextFromTraceparent>;

/**
 * Runs hyperparameter studies. Each trial is a plain run `<studyId>.t<n>` of the
 * workflow with the job's inputs overridden by the trial's parameters (labels
 * `studyId`, `trial`, `sampler`), or a block sweep of that id when the study file has
 * blocks; its score is the objective metric of `run.completed` (aggregated over the
 * blocks). The sampler proposes the next trial from every finished one; at most
 * `parallel` trials run at once (batch-grid: one batch at a time); the study stops
 * starting trials when the trial or time budget is spent or the space is exhausted,
 * and ends with `study.completed` (best trial, every trial) or `study.failed`.
 *
 * State lives in JetStream KV ({@link StudyStore}), applied per study in batches by
 * one mailbox: trial ends are published before the state is committed, trial starts
 * after it, all with deterministic dedupe ids; a restarted optimizer re-requests the
 * trials in flight (the planner and blocker drop ids they know) and never repeats a
 * finished trial.
 */
@Injectable()
export class StudyService implements OnApplicationBootstrap {
  private readonly log = new Logger('optimizer');
  private readonly mailboxes = new Mailboxes<StudyChange>((studyId, changes) => this.commit(studyId, changes));
  private readonly compiled = new Map<string, Compiled>();

  constructor(
    private readonly store: StudyStore,
    private readonly publisher: EventPublisher,
    private readonly intake: StudyIntake,
  ) {}

  /** Resumes the running studies of the store (after a restart). */
  onApplicationBootstrap(): void {
    void this.resumeAll().catch((e: unknown) => this.log.error(`cannot resume the running studies: ${(e as Error).message}`));
  }

  /** Posts a resume to every running study: re-requests its trials in flight and fills free slots. */
  async resumeAll(): Promise<void> {
    for (const studyId of await this.store.studyIds()) {
      const stored = await this.store.get(studyId);
      if (stored?.record.status === 'running') await this.post(studyId, { kind: 'resume' });
    }
  }

  /** Handles one study.requested message: study.accepted and the first trials, or study.rejected. */
  async onStudyRequested(msg: BusMessage): Promise<void> {
    await withSpan('saber.study.request', { 'saber.msg_id': msg.headers[MSG_ID_HEADER] ?? '' }, () => this.handleRequest(msg), extractTraceContext(msg.headers), SpanKind.CONSUMER);
  }

  private handleRequest(msg: BusMessage): Promise<void> {
    return takeRequest(msg, { what: 'study', contract: StudyRequested, rejected: StudyRejected, publisher: this.publisher, log: this.log, accept: (r) => this.accept(r) });
  }

  private async accept(request: StudyRequested): Promise<void> {
    const studyId = request.requestId;
    if (await this.store.get(studyId)) {
      this.log.log(`study ${studyId} already accepted; resuming it`);
      await this.post(studyId, { kind: 'resume' });
      return;
    }
    const prepared = await this.intake.prepare(request);
    const span = tracer().startSpan('saber.study', { attributes: { 'saber.study_id': studyId, 'saber.sampler': prepared.spec.sampler.method } });
    const record = this.newRecord(request, prepared, traceparentOf(span));
    span.end();
    if (!(await this.store.create(record))) return this.post(studyId, { kind: 'resume' });
    await this.publisher.publish(StudyAccepted, record.accepted, { msgId: `${studyId}:accepted`, parent: contextFromTraceparent(record.traceparent) });
    for (const w of record.accepted.warnings) this.log.warn(`study ${studyId}: ${w}`);
    this.log.log(
      `study ${studyId} accepted: ${prepared.spec.sampler.method} (seed ${record.seed}) over ${prepared.spec.space.length} parameters, ` +
        `${record.accepted.budget.trials} trials, ${record.accepted.parallel} at a time, objective ${objectiveName(record)}`,
    );
    await this.post(studyId, { kind: 'dispatch' });
  }

  private newRecord(request: StudyRequested, prepared: PreparedStudy, traceparent: string): StudyRecord {
    const { spec, loaded } = prepared;
    const s = spec.sampler;
    const workflowInfo = { name: loaded.name, uri: loaded.uri, contentHash: loaded.contentHash };
    const settings: Record<string, number | boolean> = {};
    if (s.batchSize !== undefined) settings.batchSize = s.batchSize;
    if (s.method === 'random') settings.replacement = s.replacement ?? false;
    for (const k of ['startup', 'candidates', 'gamma', 'roundSize', 'shrink'] as const) if (s[k] !== undefined) settings[k] = s[k]!;
    return {
      studyId: request.requestId,
      status: 'running',
      workflow: request.workflow,
      workflowInfo,
      inputs: request.inputs,
      ...(request.labels ? { labels: request.labels } : {}),
      ...(request.requester ? { requester: request.requester } : {}),
      ...(request.options ? { options: request.options } : {}),
      study: prepared.study,
      seed: prepared.seed,
      binding: prepared.binding,
      objective: prepared.objective,
      ...(prepared.blockWeights ? { blockWeights: prepared.blockWeights } : {}),
      acceptedAtMs: Date.now(),
      trials: [],
      accepted: {
        studyId: request.requestId,
        requestId: request.requestId,
        workflow: workflowInfo,
        sampler: { method: s.method, seed: prepared.seed, settings },
        parameters: spec.parameters.map((p) => ({
          name: p.dimension.name,
          values: describeDimension(p.dimension),
          inputs: (prepared.binding.parameters[`${p.dimension.name}.abs`] ?? []).map((t) => t.input),
        })),
        objective: prepared.objective,
        budget: spec.budget,
        parallel: spec.parallel,
        blocks: prepared.blockWeights?.length ?? 0,
        warnings: [...spec.warnings, ...prepared.binding.warnings],
        ...(request.labels ? { labels: request.labels } : {}),
        ...(request.requester ? { requester: request.requester } : {}),
        acceptedAt: new Date().toISOString(),
      },
      traceparent,
    };
  }

  /** A run event (run.completed, run.failed, run.rejected): those of trials advance their study; others are ignored. */
  async onRunEvent(msg: BusMessage): Promise<void> {
    const s = msg.subject;
    if (s !== RunCompleted.subject && s !== RunFailed.subject && s !== RunRejected.subject) return;
    const body = msg.json<{ runId?: unknown; requestId?: unknown }>();
    const id = s === RunRejected.subject ? body?.requestId : body?.runId;
    if (typeof id !== 'string') return;
    const block = parseBlockRunId(id);
    const trial = block ? undefined : parseTrialRunId(id);
    const studyId = block?.studyId ?? trial?.studyId;
    if (!studyId) return; // not a trial's run: checked before anything else, as most runs are not
    const stored = await this.store.get(studyId);
    if (!stored || stored.record.status !== 'running') return;
    const isBlockStudy = stored.record.blockWeights !== undefined;
    if (msg.deliveryCount > 1) await this.post(studyId, { kind: 'resume' });
    if (block && isBlockStudy) {
      if (s !== RunCompleted.subject) return; // the blocker retries a failed block; its sweep's end says how it went
      const e = RunCompleted.parse(body);
      const outcome = await scoreOfRun(stored.record.objective, e);
      await this.post(studyId, { kind: 'block', trial: block.trial, index: block.index, outcome, costSeconds: e.costSeconds });
    } else if (trial && !isBlockStudy) {
      if (s === RunCompleted.subject) {
        const e = RunCompleted.parse(body);
        await this.post(studyId, { kind: 'run-completed', trial: trial.trial, outcome: await scoreOfRun(stored.record.objective, e), costSeconds: e.costSeconds });
      } else if (s === RunFailed.subject) {
        const e = RunFailed.parse(body);
        await this.post(studyId, { kind: 'failed', trial: trial.trial, message: `run ${e.runId} failed (${e.reason}): ${e.message}` });
      } else {
        const e = RunRejected.parse(body);
        await this.post(studyId, { kind: 'failed', trial: trial.trial, message: `run ${e.requestId} was rejected (${e.reason}): ${[e.message, ...e.details].join('; ')}` });
      }
    }
  }

  /** A sweep event: the failure or rejection of a trial's block sweep fails the trial (its completion is seen block by block). */
  async onSweepEvent(msg: BusMessage): Promise<void> {
    const s = msg.subject;
    if (s !== SweepFailed.subject && s !== SweepRejected.subject) return;
    const body = msg.json<{ sweepId?: unknown; requestId?: unknown }>();
    const id = s === SweepFailed.subject ? body?.sweepId : body?.requestId;
    const trial = typeof id === 'string' ? parseTrialRunId(id) : undefined;
    if (!trial) return;
    const stored = await this.store.get(trial.studyId);
    if (!stored || stored.record.status !== 'running' || !stored.record.blockWeights) return;
    const message =
      s === SweepFailed.subject
        ? `block sweep ${id} failed: ${SweepFailed.parse(body).message}`
        : (() => {
            const e = SweepRejected.parse(body);
            return `block sweep ${id} was rejected (${e.reason}): ${[e.message, ...e.details].join('; ')}`;
          })();
    await this.post(trial.studyId, { kind: 'failed', trial: trial.trial, message });
  }

  private post(studyId: string, change: StudyChange): Promise<void> {
    return this.mailboxes.post(studyId, change);
  }

  private compile(record: StudyRecord): Compiled {
    let c = this.compiled.get(record.studyId);
    if (!c) {
      const spec = parseStudy(record.study.text, { source: record.study.source, ...(record.study.sampler ? { sampler: record.study.sampler } : {}) });
      const sampler = createSampler(spec.space, { ...spec.sampler, seed: record.seed, direction: record.objective.direction });
      c = { spec, sampler };
      this.compiled.set(record.studyId, c);
    }
    return c;
  }

  /** Applies a batch of changes: publishes trial ends, commits (retrying on CAS conflicts), then publishes trial starts. */
  private commit(studyId: string, changes: StudyChange[]): Promise<void> {
    // No record: a run whose id merely looks like a trial's.
    return this.store.modify(studyId, async (record) => {
      if (record.status !== 'running') return undefined;
      const compiled = this.compile(record);
      const outbox = this.apply(record, changes, compiled);
      const parent = contextFromTraceparent(record.traceparent);
      await this.publishEnds(record, outbox, compiled, parent);
      return async () => {
        if (record.status !== 'running') this.compiled.delete(studyId);
        await this.publishStarts(record, outbox, compiled, parent);
      };
    });
  }

  private apply(record: StudyRecord, changes: StudyChange[], { spec, sampler }: Compiled): Outbox {
    const outbox: Outbox = { launches: [], finished: [], resume: false };
    const now = new Date().toISOString();
    const finish = (t: TrialRecord, state: TrialRecord['state'], score: number | null, message?: string) => {
      t.state = state;
      t.score = score;
      t.finishedAt = now;
      if (message !== undefined) t.message = message;
      outbox.finished.push(t.trial);
      const how = state === 'succeeded' ? `score ${score}` : `${state}: ${message}`;
      this.log.log(`study ${record.studyId}: trial ${t.trial} ${how} (${t.costSeconds.toFixed(2)} s)`);
    };
    for (const c of changes) {
      if (c.kind === 'resume') outbox.resume = true;
      if (c.kind === 'dispatch' || c.kind === 'resume') continue;
      const t = record.trials[c.trial];
      if (!t || t.state !== 'running') continue; // a replay, or a trial that already ended
      if (c.kind === 'run-completed') {
        t.costSeconds = c.costSeconds;
        if ('score' in c.outcome) finish(t, 'succeeded', c.outcome.score);
        else finish(t, 'failed', null, c.outcome.error);
      } else if (c.kind === 'failed') {
        finish(t, 'failed', null, c.message);
      } else {
        const weights = record.blockWeights!;
        const scores = (t.blockScores ??= {});
        if (c.index >= weights.length || String(c.index) in scores) continue;
        scores[String(c.index)] = 'score' in c.outcome ? c.outcome.score : null;
        t.costSeconds += c.costSeconds;
        if ('error' in c.outcome) t.message ??= `block ${c.index}: ${c.outcome.error}`;
        this.settleBlocks(record, t, finish);
      }
    }
    if (record.status === 'running') this.dispatch(record, spec, sampler, outbox, now);
    return outbox;
  }

  /** Ends a trial with blocks when every block reported, or prunes it when it cannot beat the best any more. */
  private settleBlocks(record: StudyRecord, t: TrialRecord, finish: (t: TrialRecord, state: TrialRecord['state'], score: number | null, message?: string) => void): void {
    const weights = record.blockWeights!;
    const scores = t.blockScores!;
    const done = Object.keys(scores).map(Number).sort((a, b) => a - b);
    const o = record.objective;
    const blocksDone = (n: number) => {
      delete t.blockScores;
      t.blocksDone = n;
    };
    if (done.length === weights.length) {
      blocksDone(done.length);
      if (done.some((i) => scores[String(i)] === null)) return finish(t, 'failed', null, t.message);
      return finish(t, 'succeeded', aggregate(done.map((i) => scores[String(i)]!), done.map((i) => weights[i]!), o.aggregation));
    }
    if (!o.earlyStopping || !o.bounds || done.some((i) => scores[String(i)] === null)) return;
    const best = bestObservation(observationsOf(record), o.direction);
    if (!best) return;
    const partial = {
      values: done.map((i) => scores[String(i)]!),
      weights: done.map((i) => weights[i]!),
      remainingWeights: weights.filter((_, i) => !(String(i) in scores)),
    };
    if (!cannotBeat(partial, best.value!, o.aggregation, o.bounds, o.direction)) return;
    const reach = bestReachable(partial, o.aggregation, o.bounds, o.direction);
    blocksDone(done.length);
    finish(t, 'pruned', null, `pruned after ${done.length} of ${weights.length} blocks: it can reach at most ${reach}, and trial ${best.trial} scored ${best.value}`);
  }

  /** Starts trials while slots, budget and the sampler allow; ends the study when nothing runs and nothing can start. */
  private dispatch(record: StudyRecord, spec: StudySpec, sampler: Sampler, outbox: Outbox, now: string): void {
    const running = () => record.trials.filter((t) => t.state === 'running').length;
    const batch = sampler.batchSize;
    for (;;) {
      const n = record.trials.length;
      if (n >= spec.budget.trials) {
        record.stoppedBy ??= 'trials';
        break;
      }
      if (spec.budget.seconds !== undefined && Date.now() - record.acceptedAtMs >= spec.budget.seconds * 1000) {
        record.stoppedBy ??= 'seconds';
        break;
      }
      if (batch !== undefined ? n % batch === 0 && running() > 0 : running() >= spec.parallel) break;
      const observations = observationsOf(record);
      const pending = record.trials.filter((t) => t.state === 'running').map((t) => t.params);
      const params = sampler.suggest({ trial: n, observations, pending });
      if (!params) {
        record.stoppedBy ??= 'exhausted';
        break;
      }
      record.trials.push({ trial: n, params, state: 'running', score: null, costSeconds: 0, startedAt: now, ...(batch !== undefined ? { batch: Math.floor(n / batch) } : {}) });
      outbox.launches.push(n);
    }
    if (running() === 0 && record.stoppedBy !== undefined) {
      record.status = record.trials.some((t) => t.state === 'succeeded') ? 'completed' : 'failed';
      outbox.end = record.status;
    }
  }

  /** Publishes what ended in this batch (before the commit; deterministic ids make a replay harmless). */
  private async publishEnds(record: StudyRecord, outbox: Outbox, { spec }: Compiled, parent: Parent): Promise<void> {
    const best = bestObservation(observationsOf(record), record.objective.direction);
    for (const n of outbox.finished) {
      const t = record.trials[n]!;
      await this.publisher.publish(
        StudyTrialCompleted,
        {
          studyId: record.studyId,
          trial: n,
          runId: trialRunId(record.studyId, n),
          status: t.state as 'succeeded' | 'failed' | 'pruned',
          parameters: t.params,
          score: t.score,
          costSeconds: t.costSeconds,
          ...(record.blockWeights ? { blocks: { done: t.blocksDone ?? 0, total: record.blockWeights.length } } : {}),
          ...(t.message !== undefined && t.state !== 'succeeded' ? { message: t.message } : {}),
          best: best ? { trial: best.trial, score: best.value! } : null,
          finishedAt: t.finishedAt!,
        },
        { msgId: `${record.studyId}:t${n}:completed`, parent },
      );
    }
    if (!outbox.end) return;
    const trials = summaries(record);
    const cost = record.trials.reduce((s, t) => s + t.costSeconds, 0);
    if (outbox.end === 'completed') {
      const t = record.trials[best!.trial]!;
      await this.publisher.publish(
        StudyCompleted,
        {
          studyId: record.studyId,
          requestId: record.studyId,
          sampler: spec.sampler.method,
          objective: objectiveName(record),
          direction: record.objective.direction,
          best: { trial: t.trial, runId: trialRunId(record.studyId, t.trial), parameters: t.params, score: t.score! },
          trials,
          stoppedBy: record.stoppedBy!,
          costSeconds: cost,
          completedAt: new Date().toISOString(),
        },
        { msgId: `${record.studyId}:completed`, parent },
      );
      this.log.log(`study ${record.studyId} completed: ${trials.length} trials (${record.stoppedBy}); best trial ${t.trial}, score ${t.score}`);
    } else {
      const first = record.trials.find((t) => t.message !== undefined);
      const message = `none of the ${trials.length} trials was scored${first ? `; trial ${first.trial}: ${first.message}` : ''}`;
      await this.publisher.publish(
        StudyFailed,
        { studyId: record.studyId, requestId: record.studyId, message, trials, failedAt: new Date().toISOString() },
        { msgId: `${record.studyId}:failed`, parent },
      );
      this.log.warn(`study ${record.studyId} failed: ${message}`);
    }
  }

  /** Requests the trials started in this batch (after the commit); on resume, every trial in flight again. */
  private async publishStarts(record: StudyRecord, outbox: Outbox, { spec }: Compiled, parent: Parent): Promise<void> {
    const launches = [...outbox.launches];
    if (outbox.resume) {
      await this.publisher.publish(StudyAccepted, record.accepted, { msgId: `${record.studyId}:accepted`, parent });
      for (const t of record.trials) if (t.state === 'running' && !launches.includes(t.trial)) launches.push(t.trial);
    }
    for (const n of launches) await this.launch(record, spec, record.trials[n]!, parent);
  }

  private async launch(record: StudyRecord, spec: StudySpec, t: TrialRecord, parent: Parent): Promise<void> {
    const runId = trialRunId(record.studyId, t.trial);
    const inputs = trialInputs(spec, record.binding, t.params);
    const labels = { ...record.labels, studyId: record.studyId, trial: String(t.trial), sampler: spec.sampler.method };
    const common = {
      requestId: runId,
      workflow: record.workflow,
      inputs: { ...record.inputs, ...inputs },
      labels,
      ...(record.requester ? { requester: record.requester } : {}),
      ...(record.options ? { options: record.options } : {}),
    };
    if (spec.blocks) {
      await this.publisher.publish(
        SweepRequested,
        {
          ...common,
          parameterization: { inline: spec.blocks.parameterization, name: `${record.study.source} (blocks)` },
          ...(spec.blocks.block ? { block: spec.blocks.block } : {}),
        },
        { msgId: runId, parent },
      );
    } else {
      await this.publisher.publish(RunRequested, common, { msgId: runId, parent });
    }
    await this.publisher.publish(
      StudyTrialStarted,
      {
        studyId: record.studyId, trial: t.trial, runId, kind: spec.blocks ? 'sweep' : 'run', parameters: t.params, inputs,
        ...(t.batch !== undefined ? { batch: t.batch } : {}), startedAt: t.startedAt,
      },
      { msgId: `${record.studyId}:t${t.trial}:started`, parent },
    );
  }
}

/** The finished trials as the sampler sees them. */
function observationsOf(record: StudyRecord): Observation[] {
  return record.trials
    .filter((t) => t.state !== 'running')
    .map((t) => ({ trial: t.trial, params: t.params, status: t.state as Observation['status'], ...(t.score !== null ? { value: t.score } : {}) }));
}

function summaries(record: StudyRecord): StudyTrialSummary[] {
  return record.trials.map((t) => ({
    trial: t.trial, runId: trialRunId(record.studyId, t.trial), status: t.state as StudyTrialSummary['status'], parameters: t.params,
    score: t.score, costSeconds: t.costSeconds, startedAt: t.startedAt, finishedAt: t.finishedAt ?? t.startedAt,
  }));
}

/** The objective as named in events: the metric, or `output:<name>[.<key>]`. */
function objectiveName(record: StudyRecord): string {
  const o = record.objective;
  return o.metric ?? `output:${o.output}${o.key ? `.${o.key}` : ''}`;
}
