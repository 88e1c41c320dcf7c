/**
 * Child run ids of a sweep: `<sweepId>.i<iteration>` for the first attempt and
 * `<sweepId>.i<iteration>.a<attempt>` for retries. Deterministic, so a replayed
 * launch is a duplicate request (dropped by JetStream and by the planner), and
 * parseable, so run events find their sweep without an index.
 */

/** The run id of attempt `attempt` (1-based) of iteration `index`. */
export function childRunId(sweepId: string, index: number, attempt: number): string {
  return attempt <= 1 ? `${sweepId}.i${index}` : `${sweepId}.i${index}.a${attempt}`;
}

/** Which sweep, iteration and attempt a run id belongs to; undefined for ids of another shape. */
export function parseChildRunId(runId: string): { sweepId: string; index: number; attempt: number } | undefined {
  const m = /^(.+)\.i(\d+)(?:\.a(\d+))?$/.exec(runId);
  if (!m) return undefined;
  const attempt = m[3] === undefined ? 1 : Number(m[3]);
  if (attempt < 2 && m[3] !== undefined) return undefined;
  return { sweepId: m[1]!, index: Number(m[2]), attempt };
}
