import type { CwlProcess, Requirement } from '../model/cwl.types';
import { isRecord } from '../util/json';

/**
 * Scheduling and reporting hints of the original SABER system, written as
 * `hints: {saber: {local, queue, file_path, score_format, use_cache}}` (or a hint
 * of class `saber:...`, or `saber:<key>` fields on the process or step).
 */
export interface SaberHints {
  /** Run on the submitting machine instead of a worker. */
  local?: boolean;
  /** Worker pool (SABER `queue`) to dispatch to. */
  pool?: string;
  /** Working path hint of the original system (kept verbatim). */
  filePath?: string;
  /** Python `parse`-style format with `{score}` (e.g. `F1: {score}`) applied to the tool's output lines. */
  scoreFormat?: string;
  /** Parse every `name: number` line of stdout/stderr into metrics (opt-in). */
  parseMetrics?: boolean;
  /** Whether a cached result may be reused (default: the engine's policy). */
  useCache?: boolean;
}

/** Extracts {@link SaberHints} from hints/requirements and `saber:` fields; later sources win. */
export function saberHints(...sources: { hints?: Requirement[]; requirements?: Requirement[]; [k: string]: unknown }[]): SaberHints {
  const out: SaberHints = {};
  for (const source of sources) {
    for (const h of [...(source.hints ?? []), ...(source.requirements ?? [])]) {
      if (h.class === 'saber' || h.class.startsWith('saber:')) apply(out, h);
    }
    const fields: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(source)) if (k.startsWith('saber:')) fields[k.slice(6)] = v;
    if (isRecord(source.saber)) Object.assign(fields, source.saber);
    apply(out, fields);
  }
  return out;
}

function apply(out: SaberHints, raw: Record<string, unknown>): void {
  const get = (k: string): unknown => raw[k] ?? raw[`saber:${k}`];
  if (typeof get('local') === 'boolean') out.local = get('local') as boolean;
  if (typeof get('queue') === 'string') out.pool = get('queue') as string;
  if (typeof get('pool') === 'string') out.pool = get('pool') as string;
  if (typeof get('file_path') === 'string') out.filePath = get('file_path') as string;
  if (typeof get('score_format') === 'string') out.scoreFormat = get('score_format') as string;
  if (typeof get('parse_metrics') === 'boolean') out.parseMetrics = get('parse_metrics') as boolean;
  if (typeof get('use_cache') === 'boolean') out.useCache = get('use_cache') as boolean;
}

/** Convenience: the saber hints of one process. */
export function processSaberHints(process: CwlProcess): SaberHints {
  return saberHints(process);
}
