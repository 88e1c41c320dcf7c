import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { BlockMergeError, IncompleteBlocksError, InvalidBlockResultError, InvalidLabelsError } from '@saber/blockmerge';
import { MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import { MergeBlock, MergeCompleted, MergeFailed, MergeRequested, type MergeBlock as MergeBlockT, type MergeFailureReason } from '@saber/contracts';
import type { Connectivity } from '@saber/imaging';
import { EventPublisher } from '@saber/runtime';
import { extractTraceContext, SpanKind, withSpan } from '@saber/telemetry';
import { VolumeError } from '@saber/volume';
import { MERGER_OPTIONS, type MergerOptions } from '../merger.options';
import { MergePlanError, planMerge } from './merge-plan';
import { runMerge } from './merge-runner';

/** A failure to publish as merge.failed. */
class MergeFailure extends Error {
  constructor(
    readonly reason: MergeFailureReason,
    message: string,
    readonly details: string[] = [],
    readonly retryable = false,
  ) {
    super(message);
  }
}

/** Heartbeats at most this often (ms) while a merge runs. */
const HEARTBEAT_MS = 5_000;

/**
 * Answers `merge.requested`: checks that every block of the group is there with the grid's
 * geometry (else `merge.failed`, reason `incomplete-blocks`, and nothing is read), stitches
 * each block output (label volumes, detections, synapses, densities) into
 * `<outputDir>/<requestId>/`, and publishes `merge.completed` with the result URIs. A
 * request delivered again is merged again into the same files and answered with the same
 * dedupe ids.
 */
@Injectable()
export class MergeService {
  private readonly log = new Logger('merger');

  constructor(
    private readonly publisher: EventPublisher,
    @Inject(MERGER_OPTIONS) private readonly options: MergerOptions,
  ) {}

  /** Handles one merge.requested message; always answers it (completed or failed). */
  async onMergeRequested(msg: BusMessage): Promise<void> {
    await withSpan('saber.merge', { 'saber.msg_id': msg.headers[MSG_ID_HEADER] ?? '' }, () => this.handle(msg), extractTraceContext(msg.headers), SpanKind.CONSUMER);
  }

  private async handle(msg: BusMessage): Promise<void> {
    const started = performance.now();
    let requestId = msg.headers[MSG_ID_HEADER] ?? `seq-${msg.seq}`;
    let ids: { sweepId?: string; group?: number } = {};
    try {
      let body: unknown;
      try {
        body = msg.json();
      } catch (e) {
        throw new MergeFailure('invalid-request', `merge request is not valid JSON: ${(e as Error).message}`);
      }
      if (body && typeof body === 'object' && typeof (body as { requestId?: unknown }).requestId === 'string') requestId = (body as { requestId: string }).requestId;
      const checked = MergeRequested.check(body);
      if (!checked.ok) throw new MergeFailure('invalid-request', `merge request does not match merge.requested/v1: ${checked.problems[0]}`, checked.problems);
      const req = checked.value.blocksFile ? { ...checked.value, blocks: await readBlocksFile(checked.value.blocksFile) } : checked.value;
      ids = { sweepId: req.sweepId, group: req.group };
      this.log.log(`merge ${requestId}: sweep ${req.sweepId} group ${req.group}, ${req.blocks.length} blocks`);
      const plan = planMerge(req);
      let last = performance.now();
      const run = await runMerge(plan, {
        outDir: join(this.options.outputDir, safeName(requestId)),
        connectivity: connectivityOf(req.parameters) ?? this.options.connectivity,
        onProgress: () => {
          const now = performance.now();
          if (now - last > HEARTBEAT_MS) {
            last = now;
            msg.working();
          }
        },
      });
      const seconds = (performance.now() - started) / 1000;
      await this.publisher.publish(
        MergeCompleted,
        { requestId, sweepId: req.sweepId, group: req.group, blocks: plan.grid.total, results: run.results, skipped: run.skipped, seconds, completedAt: new Date().toISOString() },
        { msgId: `${requestId}:completed` },
      );
      this.log.log(`merge ${requestId} completed in ${seconds.toFixed(1)} s: ${run.results.map((r) => `${r.output} (${r.kind}, ${r.count})`).join(', ') || 'nothing to merge'}`);
    } catch (e) {
      const f = asFailure(e);
      this.log.warn(`merge ${requestId} failed (${f.reason}): ${f.message}`);
      await this.publisher.publish(
        MergeFailed,
        { requestId, ...ids, reason: f.reason, message: f.message, details: f.details, retryable: f.retryable, failedAt: new Date().toISOString() },
        { msgId: `${requestId}:failed` },
      );
    }
  }
}

/**
 * The blocks of a request that lists them in a file (`blocksFile`, a `file://` URL the blocker
 * wrote): a JSON array of merge blocks. A missing file may appear (shared storage catching up),
 * so it fails retryably; a malformed one does not.
 */
async function readBlocksFile(url: string): Promise<MergeBlockT[]> {
  if (!url.startsWith('file://')) throw new MergeFailure('invalid-request', `blocksFile must be a file:// URL, got ${url}`);
  let text: string;
  try {
    text = await readFile(fileURLToPath(url), 'utf8');
  } catch (e) {
    throw new MergeFailure('unreadable-output', `cannot read the blocks file ${url}: ${(e as Error).message}`, [], true);
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (e) {
    throw new MergeFailure('invalid-request', `the blocks file ${url} is not valid JSON: ${(e as Error).message}`);
  }
  const parsed = MergeBlock.array().min(1).safeParse(list);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new MergeFailure('invalid-request', `the blocks file ${url} does not hold merge blocks: ${problems[0]}`, problems.slice(0, 20));
  }
  return parsed.data;
}

function asFailure(e: unknown): MergeFailure {
  if (e instanceof MergeFailure) return e;
  if (e instanceof MergePlanError) return new MergeFailure('incomplete-blocks', e.message, e.details);
  if (e instanceof IncompleteBlocksError) return new MergeFailure('incomplete-blocks', e.message, [...e.details]);
  if (e instanceof InvalidLabelsError || e instanceof InvalidBlockResultError) return new MergeFailure('invalid-block-result', e.message, [e.message]);
  if (e instanceof VolumeError) return new MergeFailure('unreadable-output', e.message, [e.message], e.retryable);
  if (e instanceof BlockMergeError) return new MergeFailure('invalid-block-result', e.message, [e.message], e.retryable);
  const err = e as NodeJS.ErrnoException;
  if (err?.code === 'ENOENT' || err?.code === 'EACCES') return new MergeFailure('unreadable-output', err.message, [err.message]);
  return new MergeFailure('internal-error', err?.message ?? String(e), [], true);
}

/** The group's `connectivity` parameter when it is 6, 18 or 26. */
function connectivityOf(parameters: Record<string, unknown>): Connectivity | undefined {
  const c = Number(parameters.connectivity);
  return c === 6 || c === 18 || c === 26 ? c : undefined;
}

/** A folder name from a request id (ids may hold `/` and `:`). */
function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}
