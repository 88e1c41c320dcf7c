import { JetStreamBus, type Bus } from '@saber/bus';
import { loadConfig } from '@saber/config';
import { SweepRequested } from '@saber/contracts';
import { loadJob, stringifyCwlJson } from '@saber/cwl';
import { EventPublisher } from '@saber/runtime';
import { SweepError, parseParameterization } from '@saber/sweep';
import { withSpan } from '@saber/telemetry';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { settleEmbedded } from './settle-embedded';
import { startEmbedded } from '../embedded';
import { followSweep, type SweepEnd } from './follow-sweep';
import { SweepProgressView } from './sweep-progress-view';

/** Options of `saber deploy`. */
export interface DeployCommandOptions {
  /** The parameterization file (original SABER format, optionally with a `block:` section). */
  sweep: string;
  nats?: string;
  namespace?: string;
  home?: string;
  progress: boolean;
  cache: boolean;
  /** Record the child runs in the embedded catalog (default true). */
  catalog?: boolean;
  /** Child runs per block at most (default: the blocker's SABER_SWEEP_MAX_ATTEMPTS). */
  maxAttempts?: string;
  /** Child runs in flight at most (default: the blocker's SABER_SWEEP_MAX_IN_FLIGHT). */
  maxInFlight?: string;
  /** Stop starting blocks after the first one that fails for good. */
  failFast?: boolean;
  /** Wait for the merges the sweep requests (default true). */
  mergeWait?: boolean;
}

/** A fresh sweep id: sortable by time, unique. */
export function newSweepId(): string {
  return `sweep-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A positive integer option, or a usage error naming it. */
function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got '${value}'`);
  return n;
}

/**
 * `saber deploy <workflow> <job> --sweep <sweep.yml>`: the original `conduit parse -p`
 * plus starting the run. The parameterization is checked here (YAML errors as
 * file:line:column), sent inline to the blocker, and followed to its end with a
 * progress bar over the blocks. Embedded unless a NATS URL is given. Waits for the
 * merges the sweep requests (unless `mergeWait` is false) and prints the sweep.completed
 * event with `merged` (their merge.completed events) as JSON on stdout; returns the
 * process exit code (0 when every block succeeded and every merge completed, 1 otherwise).
 */
export async function deployCommand(workflow: string, job: string, opts: DeployCommandOptions): Promise<number> {
  const config = loadConfig(process.env, {
    ...(opts.home ? { home: resolve(opts.home) } : {}),
    ...(opts.nats ? { natsServers: opts.nats.split(',') } : {}),
    ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
  });
  let text: string;
  try {
    text = await readFile(resolve(opts.sweep), 'utf8');
  } catch (e) {
    process.stderr.write(`saber: cannot read the sweep file ${opts.sweep}: ${(e as Error).message}\n`);
    return 1;
  }
  try {
    parseParameterization(text, { source: opts.sweep });
  } catch (e) {
    if (!(e instanceof SweepError)) throw e;
    process.stderr.write(`saber: invalid sweep ${opts.sweep}:\n${e.issues.map((i) => `  ${i}`).join('\n')}\n`);
    return 1;
  }
  const policy = {
    ...(opts.maxAttempts !== undefined ? { maxAttempts: positive('--max-attempts', opts.maxAttempts) } : {}),
    ...(opts.maxInFlight !== undefined ? { maxInFlight: positive('--max-in-flight', opts.maxInFlight) } : {}),
    ...(opts.failFast ? { failFast: true } : {}),
  };
  const sweepId = newSweepId();
  const request = SweepRequested.parse({
    requestId: sweepId,
    workflow: { path: resolve(workflow) },
    inputs: await loadJob(resolve(job)),
    parameterization: { inline: text, name: opts.sweep },
    ...(Object.keys(policy).length ? { policy } : {}),
    requester: `saber-cli@${process.env.USER ?? 'unknown'}`,
    options: { cache: opts.cache },
  });

  const embedded = config.natsServers.length === 0 ? await startEmbedded(config, { catalog: opts.catalog !== false }) : undefined;
  const bus: Bus = embedded?.bus ?? new JetStreamBus({ servers: config.natsServers, name: 'saber-cli', namespace: config.namespace || undefined });
  if (!embedded) await bus.start();
  const view = new SweepProgressView(opts.progress);
  const follower = await followSweep(bus, sweepId, view, { waitForMerges: opts.mergeWait !== false });
  let end: SweepEnd | undefined;
  try {
    await withSpan('saber.request', { 'saber.sweep_id': sweepId }, () => new EventPublisher(bus).publish(SweepRequested, request, { msgId: sweepId }));
    end = await follower.done;
  } finally {
    view.stop();
    await follower.stop();
    if (embedded && opts.catalog !== false) await settleEmbedded(childRuns(end), embedded);
    else if (embedded) await embedded.close();
    else await bus.close();
  }
  return report(end);
}

/** The child runs whose end the catalog should have recorded before the process exits. */
function childRuns(end: SweepEnd | undefined): string[] {
  if (end?.kind === 'completed') return end.event.iterations.map((i) => i.runId);
  if (end?.kind === 'failed') return end.event.failures.map((f) => f.runId);
  return [];
}

const COUNTED: Record<string, string> = { segmentation: 'objects', detections: 'detections', 'synapse-graph': 'edges', densities: 'regions' };

function report(end: SweepEnd): number {
  if (end.kind === 'completed') {
    const e = end.event;
    const merged = end.merges.filter((m) => m.kind === 'completed').map((m) => m.event);
    const failed = end.merges.filter((m) => m.kind === 'failed').map((m) => m.event);
    process.stdout.write(stringifyCwlJson({ ...e, merged, ...(failed.length ? { mergeFailures: failed } : {}) }, 2) + '\n');
    const retried = e.iterations.filter((i) => i.attempts > 1).length;
    const pending = e.merges.filter((m) => !end.merges.some((x) => x.event.requestId === m));
    process.stderr.write(
      `sweep ${e.sweepId} completed: ${e.total} iterations${retried ? ` (${retried} retried)` : ''} in ${e.costSeconds.toFixed(2)} tool-seconds` +
        `${pending.length ? `; merge requested: ${pending.join(', ')}` : ''}\n`,
    );
    for (const m of merged) {
      process.stderr.write(`merged ${m.requestId} (${m.blocks} blocks, ${m.seconds.toFixed(2)} s):\n`);
      for (const r of m.results) process.stderr.write(`  ${r.output}: ${r.count} ${COUNTED[r.kind]} → ${Object.values(r.files).join(', ')}\n`);
      for (const k of m.skipped) process.stderr.write(`  ${k.output}: not merged (${k.reason})\n`);
    }
    for (const f of failed) {
      process.stderr.write(`merge ${f.requestId} failed (${f.reason}): ${f.message}\n`);
      for (const d of f.details) process.stderr.write(`  ${d}\n`);
    }
    return failed.length ? 1 : 0;
  }
  if (end.kind === 'failed') {
    const e = end.event;
    process.stderr.write(`sweep ${e.sweepId} failed: ${e.message}\n`);
    for (const f of e.failures) {
      process.stderr.write(`  iteration ${f.index}${f.block ? ` (block ${f.block.index})` : ''}, run ${f.runId}, ${f.attempts} attempt(s), ${f.reason}:\n`);
      process.stderr.write(`${f.message.split('\n').map((l) => `    ${l}`).join('\n')}\n`);
    }
    return 1;
  }
  const e = end.event;
  process.stderr.write(`sweep ${e.requestId} rejected (${e.reason}): ${e.message}\n`);
  for (const d of e.details) process.stderr.write(`  ${d}\n`);
  return 1;
}
