import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { openCatalogDataSource } from '../database/catalog-data-source';
import type { CatalogEventInput } from '../ingest/catalog-event';

/**
 * Event builders for tests: realistic payloads of each contract with msgIds
 * derived from the ids (`<runId>.accepted`, `<taskId>.<attempt>.completed`, ...).
 */

const T0 = Date.parse('2025-01-01T00:00:00Z');

/** ISO timestamp `seconds` after a fixed origin. */
export function at(seconds: number): string {
  return new Date(T0 + seconds * 1000).toISOString();
}

function ev(name: string, msgId: string, payload: Record<string, unknown>): CatalogEventInput {
  return {
    subject: `saber.events.${name}.v1`,
    msgId,
    payload,
    headers: {
      'Saber-Schema': `${name}/v1`,
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    },
  };
}

/** run.accepted of `runId` (request `req-<runId>`) for workflow `wf` with steps. */
export function accepted(
  runId: string,
  opts: { workflow?: string; hash?: string; steps?: string[]; inputs?: Record<string, unknown> } = {},
): CatalogEventInput {
  const workflow = opts.workflow ?? 'two-step';
  return ev('run.accepted', `${runId}.accepted`, {
    runId,
    requestId: `req-${runId}`,
    workflow: { name: workflow, uri: `file:///workflows/${workflow}.cwl`, contentHash: opts.hash ?? `sha256:${workflow}` },
    steps: opts.steps ?? ['blur', 'threshold'],
    labels: { lab: 'jhu' },
    requester: 'tester',
    inputs: opts.inputs ?? { sigma: 1.5, image: { class: 'File', location: 'file:///data/in.tif' } },
    acceptedAt: at(0),
  });
}

/** run.rejected of request `requestId`. */
export function rejected(requestId: string): CatalogEventInput {
  return ev('run.rejected', `${requestId}.rejected`, {
    requestId,
    reason: 'invalid-workflow',
    message: 'step "blur" has no run',
    details: ['steps.blur: run is required'],
    rejectedAt: at(1),
  });
}

/** step.ready of one task attempt. */
export function ready(runId: string, stepId: string, taskId: string, attempt = 1): CatalogEventInput {
  return ev('step.ready', `${taskId}.${attempt}.ready`, {
    runId, stepId, taskId, attempt, pool: 'default', inputs: { sigma: 1.5 },
  });
}

/** step.started of one task attempt on `executor`. */
export function started(runId: string, stepId: string, taskId: string, attempt = 1, executor = 'exec-1'): CatalogEventInput {
  return ev('step.started', `${taskId}.${attempt}.started.${executor}`, {
    runId, stepId, taskId, attempt, executorId: executor, backend: 'local', startedAt: at(10 * attempt),
  });
}

/** step.completed of one task attempt with `score` and cost. */
export function completed(
  runId: string,
  stepId: string,
  taskId: string,
  opts: { attempt?: number; score?: number; cost?: number; finishedAt?: string } = {},
): CatalogEventInput {
  const attempt = opts.attempt ?? 1;
  return ev('step.completed', `${taskId}.${attempt}.completed`, {
    runId, stepId, taskId, attempt,
    outputs: { out: { class: 'File', location: `file:///data/${taskId}/out.tif` } },
    exitCode: 0,
    costSeconds: opts.cost ?? 2.5,
    peakMemoryBytes: 3 * 2 ** 30,
    metrics: opts.score === undefined ? {} : { score: opts.score },
    executorId: 'exec-1',
    cached: false,
    finishedAt: opts.finishedAt ?? at(10 * attempt + 5),
  });
}

/** step.failed of one task attempt. */
export function failed(
  runId: string,
  stepId: string,
  taskId: string,
  opts: { attempt?: number; retryable?: boolean; cost?: number } = {},
): CatalogEventInput {
  const attempt = opts.attempt ?? 1;
  return ev('step.failed', `${taskId}.${attempt}.failed`, {
    runId, stepId, taskId, attempt,
    failureType: 'out-of-memory',
    retryable: opts.retryable ?? true,
    message: 'killed: out of memory',
    exitCode: 137,
    stderrTail: 'MemoryError\n',
    costSeconds: opts.cost ?? 1,
    executorId: 'exec-1',
    finishedAt: at(10 * attempt + 3),
  });
}

/** run.completed of `runId`. */
export function runCompleted(runId: string, cost = 5): CatalogEventInput {
  return ev('run.completed', `${runId}.completed`, {
    runId,
    outputs: { mask: { class: 'File', location: `file:///out/${runId}/mask.tif` }, count: 3 },
    artifacts: [`file:///out/${runId}/mask.tif`],
    metrics: { 'threshold.score': 0.9, costSeconds: cost },
    costSeconds: cost,
    completedAt: at(100),
  });
}

/** run.failed of `runId` at `step`. */
export function runFailed(runId: string, step = 'blur'): CatalogEventInput {
  return ev('run.failed', `${runId}.failed`, {
    runId,
    reason: 'out-of-memory',
    message: `step ${step} failed after 3 attempts`,
    failedStep: step,
    stderrTail: 'MemoryError\n',
    failedAt: at(100),
  });
}

/** An embedded catalog in a fresh temporary directory, removed by `close()`. */
export async function openTempCatalog(): Promise<{ dataSource: DataSource; home: string; close(): Promise<void> }> {
  const home = await mkdtemp(join(tmpdir(), 'saber-catalog-'));
  const dataSource = await openCatalogDataSource({ home });
  return {
    dataSource,
    home,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await rm(home, { recursive: true, force: true });
    },
  };
}
