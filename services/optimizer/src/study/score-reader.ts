import type { StudyObjective } from '@saber/contracts';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** A run's score, or why it has none. */
export type ScoreOutcome = { score: number } | { error: string };

const NUMBER = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

/**
 * The objective value of one run (a trial's run, or one block's run): the metric
 * `<step>.<metric>` of `run.completed.metrics` (from the step's `score_format` /
 * `parse_metrics`), or the workflow output `objective.output`: a number, or a File
 * (`file://`) holding a number, JSON (`key` picks the field) or `key: value` lines
 * (the last one wins, like score_format).
 */
export async function scoreOfRun(objective: StudyObjective, run: { metrics: Record<string, number>; outputs: Record<string, unknown> }): Promise<ScoreOutcome> {
  if (objective.metric !== undefined) {
    const v = run.metrics[objective.metric];
    if (v === undefined) {
      const names = Object.keys(run.metrics).filter((k) => !k.startsWith('_'));
      return { error: `the run reported no metric '${objective.metric}' (it reported ${names.length ? names.join(', ') : 'none'})` };
    }
    return Number.isFinite(v) ? { score: v } : { error: `metric '${objective.metric}' is ${v}, not a finite number` };
  }
  const name = objective.output!;
  const value = run.outputs[name];
  if (typeof value === 'number') return Number.isFinite(value) ? { score: value } : { error: `output '${name}' is ${value}, not a finite number` };
  const location = value && typeof value === 'object' ? (value as { location?: unknown }).location : undefined;
  if (typeof location !== 'string') return { error: `output '${name}' is not a number or a File (got ${value === undefined || value === null ? 'nothing' : typeof value})` };
  if (!location.startsWith('file://')) return { error: `output '${name}' is at ${location}; the optimizer reads scores from file:// outputs only` };
  let text: string;
  try {
    text = await readFile(fileURLToPath(location), 'utf8');
  } catch (e) {
    return { error: `cannot read output '${name}' (${location}): ${(e as Error).message}` };
  }
  return scoreOfText(text, objective.key, `output '${name}'`);
}

/** A score from a score file's text; see {@link scoreOfRun}. */
export function scoreOfText(text: string, key: string | undefined, what: string): ScoreOutcome {
  if (key === undefined) return NUMBER.test(text) ? { score: Number(text) } : { error: `${what} does not hold a single number; give objective.key` };
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && !Array.isArray(json)) {
      const v = (json as Record<string, unknown>)[key];
      return typeof v === 'number' && Number.isFinite(v) ? { score: v } : { error: `${what} has no number under '${key}'` };
    }
  } catch {
    // Not JSON: `key: value` lines.
  }
  let found: number | undefined;
  for (const line of text.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && line.slice(0, i).trim() === key && NUMBER.test(line.slice(i + 1))) found = Number(line.slice(i + 1));
  }
  return found === undefined ? { error: `${what} has no line '${key}: <number>'` } : { score: found };
}
