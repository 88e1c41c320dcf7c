import { JetStreamBus, type Bus } from '@saber/bus';
import { loadConfig } from '@saber/config';
import { StudyRequested, type StudyTrialSummary } from '@saber/contracts';
import { loadJob, stringifyCwlJson } from '@saber/cwl';
import { SAMPLER_METHODS, StudyDefinitionError, lossOf, parseStudy, scorePlotSvg, trialsCsv, type SamplerMethod, type TrialRow } from '@saber/optimize';
import { EventPublisher } from '@saber/runtime';
import { SweepError } from '@saber/sweep';
import { withSpan } from '@saber/telemetry';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { settleEmbedded } from './settle-embedded';
import { startEmbedded } from '../embedded';
import { followStudies, type StudyEnd } from './follow-study';
import { StudyProgressView } from './study-progress-view';

/** Options of `saber optimize`. */
export interface OptimizeCommandOptions {
  /** CSV of every trial (the original's `--output`; default `optiout.csv`). */
  output: string;
  /** SVG plot of score versus trial per sampler (default: the CSV's path with `.svg`). */
  plot?: string;
  /** Comma-separated methods: one study per method on the same file and seed, in one CSV and one plot. */
  samplers?: string;
  /** Overrides `sampler.seed`. */
  seed?: string;
  nats?: string;
  namespace?: string;
  home?: string;
  progress: boolean;
  cache: boolean;
  /** Record the trial runs in the embedded catalog (default true). */
  catalog?: boolean;
}

/** A fresh study id: sortable by time, unique. */
export function newStudyId(): string {
  return `study-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * `saber optimize <workflow> <job> <study.yml>`: the original `conduit optimize`. The
 * study file is checked here, sent inline to the optimizer (one study per method with
 * `--samplers`), and followed to its end with a live view; then a CSV of every trial
 * (`--output`) and an SVG plot of score versus trial per sampler (`--plot`) are
 * written, and the study.completed event(s) printed as JSON on stdout. Embedded unless a
 * NATS URL is given. Returns the exit code: 0 when every study completed, else 1.
 */
export async function optimizeCommand(workflow: string, job: string, studyFile: string, opts: OptimizeCommandOptions): Promise<number> {
  const config = loadConfig(process.env, {
    ...(opts.home ? { home: resolve(opts.home) } : {}),
    ...(opts.nats ? { natsServers: opts.nats.split(',') } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
  });
  let text: string;
  try {
    text = await readFile(resolve(studyFile), 'utf8');
  } catch (e) {
    process.stderr.write(`saber: cannot read the study file ${studyFile}: ${(e as Error).message}\n`);
    return 1;
  }
  const methods = opts.samplers?.split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of methods ?? []) {
    if (!(SAMPLER_METHODS as readonly string[]).includes(m)) throw new Error(`--samplers: unknown method '${m}' (known: ${SAMPLER_METHODS.join(', ')})`);
  }
  const seed = opts.seed === undefined ? undefined : Number(opts.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff)) throw new Error(`--seed must be an integer from 0 to 4294967295, got '${opts.seed}'`);
  const base = newStudyId();
  const variants: Array<{ studyId: string; method?: SamplerMethod }> = methods?.length
    ? methods.map((m) => ({ studyId: `${base}-${m}`, method: m as SamplerMethod }))
    : [{ studyId: base }];
  for (const v of variants) {
    try {
      parseStudy(text, { source: studyFile, sampler: { ...(v.method ? { method: v.method } : {}), ...(seed !== undefined ? { seed } : {}) } });
    } catch (e) {
      if (!(e instanceof StudyDefinitionError) && !(e instanceof SweepError)) throw e;
      process.stderr.write(`saber: invalid study ${studyFile}${v.method ? ` (sampler ${v.method})` : ''}:\n${e.issues.map((i) => `  ${i}`).join('\n')}\n`);
      return 1;
    }
  }
  const inputs = await loadJob(resolve(job));
  const requests = variants.map((v) =>
    StudyRequested.parse({
      requestId: v.studyId,
      workflow: { path: resolve(workflow) },
      inputs,
      study: { inline: text, name: studyFile },
      ...(v.method || seed !== undefined ? { sampler: { ...(v.method ? { method: v.method } : {}), ...(seed !== undefined ? { seed } : {}) } } : {}),
      requester: `saber-cli@${process.env.USER ?? 'unknown'}`,
      options: { cache: opts.cache },
    }),
  );

  const embedded = config.natsServers.length === 0 ? await startEmbedded(config, { catalog: opts.catalog !== false }) : undefined;
  const bus: Bus = embedded?.bus ?? new JetStreamBus({ servers: config.natsServers, name: 'saber-cli', namespace: config.namespace || undefined });
  if (!embedded) await bus.start();
  const view = new StudyProgressView(opts.progress);
  const follower = await followStudies(bus, variants.map((v) => v.studyId), view);
  let ends: Map<string, StudyEnd> | undefined;
  try {
    const publisher = new EventPublisher(bus);
    for (const r of requests) await withSpan('saber.request', { 'saber.study_id': r.requestId }, () => publisher.publish(StudyRequested, r, { msgId: r.requestId }));
    ends = await follower.done;
  } finally {
    view.stop();
    await follower.stop();
    if (embedded && opts.catalog !== false) await settleEmbedded(trialRunIds(ends), embedded);
    else if (embedded) await embedded.close();
    else await bus.close();
  }
  return report(variants.map((v) => ends!.get(v.studyId)!), opts, (id) => view.methodOf(id) ?? variants.find((v) => v.studyId === id)?.method ?? 'study');
}

function trialRunIds(ends: Map<string, StudyEnd> | undefined): string[] {
  const ids: string[] = [];
  for (const e of ends?.values() ?? []) if (e.kind !== 'rejected') for (const t of e.event.trials) if (t.status !== 'pruned') ids.push(t.runId);
  return ids;
}

/** The CSV rows of a study's trials, with the best score so far. */
function rowsOf(studyId: string, sampler: string, direction: 'maximize' | 'minimize', trials: StudyTrialSummary[]): TrialRow[] {
  let best: number | null = null;
  return trials.map((t) => {
    if (t.score !== null && (best === null || lossOf(direction, t.score) < lossOf(direction, best))) best = t.score;
    return {
      study: studyId, sampler, trial: t.trial, runId: t.runId, status: t.status, params: t.parameters, score: t.score, costSeconds: t.costSeconds,
      bestSoFar: best, startedAt: t.startedAt, finishedAt: t.finishedAt,
    };
  });
}

async function report(ends: StudyEnd[], opts: OptimizeCommandOptions, methodOf: (studyId: string) => string): Promise<number> {
  const rows: TrialRow[][] = [];
  let ok = true;
  for (const end of ends) {
    if (end.kind === 'rejected') {
      ok = false;
      process.stderr.write(`study ${end.event.requestId} rejected (${end.event.reason}): ${end.event.message}\n`);
      for (const d of end.event.details) process.stderr.write(`  ${d}\n`);
      continue;
    }
    const e = end.event;
    const sampler = end.kind === 'completed' ? end.event.sampler : methodOf(e.studyId);
    rows.push(rowsOf(e.studyId, sampler, end.kind === 'completed' ? end.event.direction : 'maximize', e.trials));
    if (end.kind === 'completed') {
      const c = end.event;
      process.stderr.write(
        `study ${c.studyId} completed (${c.sampler}): ${c.trials.length} trials (stopped by ${c.stoppedBy}) in ${c.costSeconds.toFixed(2)} tool-seconds; ` +
          `best trial ${c.best.trial} (run ${c.best.runId}), ${c.objective} = ${c.best.score}\n`,
      );
    } else {
      ok = false;
      process.stderr.write(`study ${e.studyId} failed: ${end.event.message}\n`);
    }
  }
  if (rows.length) {
    const output = resolve(opts.output);
    const plot = resolve(opts.plot ?? output.replace(/\.csv$/i, '') + '.svg');
    await writeFile(output, trialsCsv(rows.flat()));
    const directions = ends.flatMap((e) => (e.kind === 'completed' ? [e.event] : []));
    await writeFile(
      plot,
      scorePlotSvg(
        rows.map((r) => ({
          name: r[0]?.sampler ?? 'study',
          points: r.filter((t) => t.score !== null).map((t) => ({ x: t.trial, y: t.score! })),
          line: r.filter((t) => t.bestSoFar !== null).map((t) => ({ x: t.trial, y: t.bestSoFar! })),
        })),
        { title: `score versus trial${directions[0] ? ` (${directions[0].objective}, ${directions[0].direction})` : ''}`, xLabel: 'trial', yLabel: directions[0]?.objective ?? 'score' },
      ),
    );
    process.stderr.write(`${rows.flat().length} trials written to ${opts.output}; plot ${plot}\n`);
  }
  const events = ends.filter((e) => e.kind === 'completed').map((e) => e.event);
  if (events.length) process.stdout.write(stringifyCwlJson(events.length === 1 ? events[0] : events, 2) + '\n');
  return ok ? 0 : 1;
}
