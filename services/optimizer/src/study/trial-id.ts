/**
 * Run ids of a study's trials: `<studyId>.t<trial>` for the trial's run (or its block
 * sweep), and the blocker's `<studyId>.t<trial>.i<block>[.a<attempt>]` for the block
 * runs of a trial with blocks. Deterministic, so a restarted optimizer re-requests
 * the same ids (the planner and blocker drop ids they know), and parseable, so run
 * events find their study without an index.
 */

/** The run (or block sweep) id of trial `trial`. */
export function trialRunId(studyId: string, trial: number): string {
  return `${studyId}.t${trial}`;
}

/** Which study and trial a trial run (or sweep) id belongs to; undefined for ids of another shape. */
export function parseTrialRunId(id: string): { studyId: string; trial: number } | undefined {
  const m = /^(.+)\.t(\d+)$/.exec(id);
  return m ? { studyId: m[1]!, trial: Number(m[2]) } : undefined;
}

/** Which study, trial and block a block run id belongs to; undefined for ids of another shape. */
export function parseBlockRunId(id: string): { studyId: string; trial: number; index: number; attempt: number } | undefined {
  const m = /^(.+)\.t(\d+)\.i(\d+)(?:\.a(\d+))?$/.exec(id);
  return m ? { studyId: m[1]!, trial: Number(m[2]), index: Number(m[3]), attempt: m[4] === undefined ? 1 : Number(m[4]) } : undefined;
}
