import { saberHints, type CwlProcess, type Workflow } from '@saber/cwl';

/** The metrics a workflow's runs can report (keys of `run.completed.metrics`), and where each comes from. */
export interface ReportedMetrics {
  /** `<step>.score` of each step with a `score_format` hint, with its origin for messages. */
  scores: Array<{ metric: string; origin: string }>;
  /** Steps with `parse_metrics: true`: any `<step>.<name>` may appear. */
  anyOf: string[];
}

/**
 * Reads the `saber` hints of every step (nested workflows as `outer/inner`, a lone
 * tool as step `main`, as the planner names them): a `score_format` gives
 * `<step>.score`, `parse_metrics: true` any `<step>.<name>`.
 */
export function reportedMetrics(process: CwlProcess): ReportedMetrics {
  const out: ReportedMetrics = { scores: [], anyOf: [] };
  const visit = (step: string, hints: ReturnType<typeof saberHints>) => {
    if (hints.scoreFormat !== undefined) out.scores.push({ metric: `${step}.score`, origin: `score_format of step ${step}` });
    if (hints.parseMetrics) out.anyOf.push(step);
  };
  if (process.class !== 'Workflow') {
    visit('main', saberHints(process));
    return out;
  }
  const walk = (wf: Workflow, prefix: string, parents: Array<Parameters<typeof saberHints>[0]>) => {
    for (const step of wf.steps) {
      const path = `${prefix}${step.id}`;
      if (step.run.class === 'Workflow') walk(step.run, `${path}/`, [...parents, wf, step]);
      else visit(path, saberHints(step.run, ...parents, wf, step));
    }
  };
  walk(process, '', [process]);
  return out;
}

/** True when `metric` (`<step>.<name>`) can appear in the workflow's run metrics. */
export function isReported(reported: ReportedMetrics, metric: string): boolean {
  return reported.scores.some((s) => s.metric === metric) || reported.anyOf.some((step) => metric.startsWith(`${step}.`));
}

/** What the workflow reports, for messages: `detect.score (score_format of step detect), any classify.<name> (parse_metrics)`. */
export function describeReported(reported: ReportedMetrics): string {
  const parts = [...reported.scores.map((s) => `${s.metric} (${s.origin})`), ...reported.anyOf.map((s) => `any ${s}.<name> (parse_metrics of step ${s})`)];
  return parts.join(', ');
}
