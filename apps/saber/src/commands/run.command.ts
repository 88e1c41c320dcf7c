import { JetStreamBus, type Bus } from '@saber/bus';
import { loadConfig } from '@saber/config';
import { RunRequested } from '@saber/contracts';
import { loadJob, stringifyCwlJson } from '@saber/cwl';
import { EventPublisher } from '@saber/runtime';
import { withSpan } from '@saber/telemetry';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { settleEmbedded } from './settle-embedded';
import { startEmbedded } from '../embedded';
import { followRun, type RunEnd } from './follow-run';
import { ProgressView } from './progress-view';

/** Options of `saber run`. */
export interface RunCommandOptions {
  nats?: string;
  namespace?: string;
  progress: boolean;
  home?: string;
  cache: boolean;
  /** Record the run in the embedded catalog (default true). */
  catalog?: boolean;
}

/** A fresh run id: sortable by time, unique. */
export function newRunId(): string {
  return `run-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/**
 * `saber run <workflow> [job]`: embedded (all services in this process) unless a
 * NATS URL is given, in which case the request goes to the cluster and this command
 * follows the run's events to its end. Prints the output object as JSON on stdout;
 * returns the process exit code.
 */
export async function runCommand(workflow: string, job: string | undefined, opts: RunCommandOptions): Promise<number> {
  const config = loadConfig(process.env, {
    ...(opts.home ? { home: resolve(opts.home) } : {}),
    ...(opts.nats ? { natsServers: opts.nats.split(',') } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
  });
  const inputs = job ? await loadJob(resolve(job)) : {};
  const requestId = newRunId();
  const request = RunRequested.parse({
    requestId,
    workflow: { path: resolve(workflow) },
    inputs,
    requester: `saber-cli@${process.env.USER ?? 'unknown'}`,
    options: { cache: opts.cache },
  });

  const embedded = config.natsServers.length === 0 ? await startEmbedded(config, { catalog: opts.catalog !== false }) : undefined;
  const bus: Bus = embedded?.bus ?? new JetStreamBus({ servers: config.natsServers, name: 'saber-cli', namespace: config.namespace || undefined });
  if (!embedded) await bus.start();
  const progress = new ProgressView(opts.progress);
  const follower = await followRun(bus, requestId, progress);
  let end: RunEnd;
  try {
    // The request starts the run's trace: every later span and message joins it.
    await withSpan('saber.request', { 'saber.run_id': requestId }, () => new EventPublisher(bus).publish(RunRequested, request, { msgId: requestId }));
    end = await follower.done;
  } finally {
    progress.stop();
    await follower.stop();
    if (embedded && opts.catalog !== false) await settleEmbedded([requestId], embedded);
    else if (embedded) await embedded.close();
    else await bus.close();
  }
  return report(end);
}

function report(end: RunEnd): number {
  if (end.kind === 'completed') {
    process.stdout.write(stringifyCwlJson(end.event.outputs, 2) + '\n');
    process.stderr.write(`run ${end.event.runId} completed in ${end.event.costSeconds.toFixed(2)} tool-seconds\n`);
    return 0;
  }
  if (end.kind === 'failed') {
    const e = end.event;
    process.stderr.write(`run ${e.runId} failed${e.failedStep ? ` at step ${e.failedStep}` : ''}: ${e.message}\n`);
    if (e.stderrTail) process.stderr.write(`--- stderr (tail) ---\n${e.stderrTail}\n`);
    return 1;
  }
  const e = end.event;
  process.stderr.write(`run ${e.requestId} rejected (${e.reason}): ${e.message}\n`);
  for (const d of e.details) process.stderr.write(`  ${d}\n`);
  return 1;
}
