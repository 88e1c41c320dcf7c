/**
 * Parameter helpers shared by the projections. Values go to PostgreSQL as text
 * (`$n::jsonb`) so `pg` and PGlite serialize them identically.
 */

/** PostgreSQL text and jsonb cannot hold U+0000; a tool's stderr tail can. */
const NUL = /\u0000/g;

/** `value` without NUL characters (replaced by U+FFFD); null/undefined become null. */
export function text(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : value.replace(NUL, '\uFFFD');
}

/** JSON text of `value` for a `$n::jsonb` parameter (NULs replaced); undefined becomes null. */
export function json(value: unknown): string | null {
  if (value === undefined) return null;
  const plain = JSON.stringify(value);
  // JSON.stringify writes U+0000 as the escape `\u0000`; without one there is nothing to replace
  // (the replacer pass is several times slower, and batches serialize every payload).
  if (!plain.includes('\\u0000')) return plain;
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? v.replace(NUL, '\uFFFD') : v));
}

const RUN_RANK = (s: string) =>
  `CASE ${s} WHEN 'rejected' THEN 0 WHEN 'accepted' THEN 1 WHEN 'running' THEN 2 ELSE 3 END`;
const ATTEMPT_RANK = (s: string) => `CASE ${s} WHEN 'ready' THEN 0 WHEN 'started' THEN 1 ELSE 2 END`;

/** SQL: the later of two run statuses (rejected < accepted < running < completed = failed). */
export function laterRunStatus(current: string, next: string): string {
  return `CASE WHEN ${RUN_RANK(next)} > ${RUN_RANK(current)} THEN ${next} ELSE ${current} END`;
}

/** SQL: the later of two attempt statuses (ready < started < completed = failed). */
export function laterAttemptStatus(current: string, next: string): string {
  return `CASE WHEN ${ATTEMPT_RANK(next)} > ${ATTEMPT_RANK(current)} THEN ${next} ELSE ${current} END`;
}

/** Where a CWL File/Directory value lives (`location`, else `path`); undefined for other values. */
export function locationOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (v.class !== 'File' && v.class !== 'Directory') return undefined;
  if (typeof v.location === 'string') return v.location;
  return typeof v.path === 'string' ? v.path : undefined;
}

/**
 * `rows` sorted by `key` (UTF-16 code units). Multi-row statements write rows in
 * the order given, so concurrent transactions that sort alike lock alike (no
 * deadlock), and surrogate ids follow the key.
 */
export function sortedBy<T>(rows: Iterable<T>, key: (row: T) => string): T[] {
  return [...rows].map((row) => [key(row), row] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}
