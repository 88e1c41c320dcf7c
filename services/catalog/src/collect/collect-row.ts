import type { StepStatus } from '../steps/step-status';

/** One row of `saber collect`: one step of one run, with the run's parameters. */
export interface CollectRow {
  /** Run id. */
  runId: string;
  /** Workflow name ('' when the run was never accepted). */
  workflow: string;
  /** Step id. */
  step: string;
  /** The run's inputs flattened: `param.<name>` (nested: `param.<name>.<key>`) to text; File/Directory → location. */
  parameters: Record<string, string>;
  /** Attempts of the step's tasks (retries included). */
  attempts: number;
  /** Sum of the attempts' tool wall-clock seconds. */
  costSeconds: number;
  /** The step's `score` metric, latest value; null when none was reported. */
  score: number | null;
  /** See StepStatus. */
  status: StepStatus;
}

/** Which runs `collect` reports. */
export interface CollectQuery {
  /** Only this run. */
  runId?: string;
  /** Only runs of this workflow, by name or content hash. */
  workflow?: string;
}

/** Prefix of parameter columns. */
export const PARAM_PREFIX = 'param.';

/**
 * Flattens a CWL input object into `param.<name>` text values: scalars as text,
 * null as '', File/Directory as their location (else path), arrays as JSON (with
 * File/Directory elements as locations), other objects key by key.
 */
export function flattenParameters(inputs: Record<string, unknown> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(inputs ?? {}).sort()) flatten(`${PARAM_PREFIX}${key}`, inputs![key], out);
  return out;
}

function flatten(name: string, value: unknown, out: Record<string, string>): void {
  if (value === null || value === undefined) {
    out[name] = '';
  } else if (typeof value !== 'object') {
    out[name] = String(value);
  } else if (Array.isArray(value)) {
    out[name] = JSON.stringify(value.map((v) => fileLocation(v) ?? v));
  } else {
    const location = fileLocation(value);
    if (location !== undefined) {
      out[name] = location;
      return;
    }
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out[name] = '{}';
    for (const key of keys) flatten(`${name}.${key}`, (value as Record<string, unknown>)[key], out);
  }
}

function fileLocation(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.class !== 'File' && v.class !== 'Directory') return undefined;
  if (typeof v.location === 'string') return v.location;
  return typeof v.path === 'string' ? v.path : '';
}
