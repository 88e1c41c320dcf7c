import { type CollectRow, PARAM_PREFIX } from './collect-row';

/** Columns before the parameters. */
export const COLLECT_LEADING_COLUMNS = ['run_id', 'workflow', 'step'] as const;
/** Columns after the parameters. */
export const COLLECT_TRAILING_COLUMNS = ['attempts', 'cost_seconds', 'score', 'status'] as const;

/**
 * Column order of {@link toCsv}: run_id, workflow, step, every `param.*` name
 * found in any row (sorted), attempts, cost_seconds, score, status.
 */
export function collectColumns(rows: readonly CollectRow[]): string[] {
  const params = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row.parameters)) params.add(name);
  return [...COLLECT_LEADING_COLUMNS, ...[...params].sort(), ...COLLECT_TRAILING_COLUMNS];
}

/** One CSV field, quoted per RFC 4180 when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The rows as RFC 4180 CSV: a header line, one line per row, CRLF after every
 * line. A run without some parameter gets an empty field; a missing score too.
 */
export function toCsv(rows: readonly CollectRow[]): string {
  const columns = collectColumns(rows);
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) {
    const fixed: Record<string, string> = {
      run_id: row.runId,
      workflow: row.workflow,
      step: row.step,
      attempts: String(row.attempts),
      cost_seconds: String(row.costSeconds),
      score: row.score === null ? '' : String(row.score),
      status: row.status,
    };
    lines.push(
      columns.map((c) => csvField(c.startsWith(PARAM_PREFIX) ? (row.parameters[c] ?? '') : (fixed[c] ?? ''))).join(','),
    );
  }
  return lines.map((line) => `${line}\r\n`).join('');
}
