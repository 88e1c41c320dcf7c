import type { ParamValue } from '../space/dimension';

/** One row of a study's CSV. */
export interface TrialRow {
  study: string;
  sampler: string;
  trial: number;
  runId: string;
  status: string;
  params: Record<string, ParamValue>;
  score: number | null;
  costSeconds: number;
  /** Best score of the study up to and including this trial (null before the first success). */
  bestSoFar: number | null;
  startedAt?: string;
  finishedAt?: string;
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * RFC 4180 CSV, one row per trial (the original `conduit optimize --output`, one row
 * per trial instead of per iteration × step): study, sampler, trial, run_id, status,
 * `param.<name>` for every parameter (in first-seen order), score, cost_seconds,
 * best_so_far, started_at, finished_at. CRLF line ends.
 */
export function trialsCsv(rows: readonly TrialRow[]): string {
  const params: string[] = [];
  for (const r of rows) for (const k of Object.keys(r.params)) if (!params.includes(k)) params.push(k);
  const header = ['study', 'sampler', 'trial', 'run_id', 'status', ...params.map((p) => `param.${p}`), 'score', 'cost_seconds', 'best_so_far', 'started_at', 'finished_at'];
  const text = (v: ParamValue | undefined) => (v === undefined || v === null ? '' : String(v));
  const lines = [header.map(field).join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.study, r.sampler, String(r.trial), r.runId, r.status, ...params.map((p) => text(r.params[p])),
        r.score === null ? '' : String(r.score), String(r.costSeconds), r.bestSoFar === null ? '' : String(r.bestSoFar), r.startedAt ?? '', r.finishedAt ?? '',
      ]
        .map(field)
        .join(','),
    );
  }
  return lines.map((l) => `${l}\r\n`).join('');
}
