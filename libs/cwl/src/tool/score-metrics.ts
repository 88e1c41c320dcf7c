/** Metrics parsed from a tool's output: `score` from `score_format`, others from `name: number` lines. */
export type ToolMetrics = Record<string, number>;

const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan)`;

/**
 * Converts a Python `parse`-style format (`'F1: {score}'`, `{score:f}` accepted)
 * into a regular expression whose group `score` captures a number. Other `{...}`
 * fields match any text.
 */
export function scoreFormatRegExp(format: string): RegExp {
  let re = '';
  let i = 0;
  while (i < format.length) {
    const open = format.indexOf('{', i);
    if (open < 0) {
      re += escape(format.slice(i));
      break;
    }
    if (format[open + 1] === '{') {
      re += escape(format.slice(i, open + 1));
      i = open + 2;
      continue;
    }
    const close = format.indexOf('}', open);
    if (close < 0) {
      re += escape(format.slice(i));
      break;
    }
    re += escape(format.slice(i, open));
    const name = format.slice(open + 1, close).split(':')[0].trim();
    re += name === 'score' ? `(?<score>${NUMBER})` : '.*?';
    i = close + 1;
  }
  return new RegExp(`^\\s*${re}\\s*$`, 'i');
}

/**
 * Parses metrics from output text: the LAST line matching `scoreFormat` gives
 * `score`; when `parseNamed` is set, every `name: number` line gives `name`
 * (later lines win). Returns an empty object when nothing matches.
 */
export function parseMetrics(text: string, scoreFormat?: string, parseNamed = false): ToolMetrics {
  const metrics: ToolMetrics = {};
  const lines = text.split(/\r?\n/);
  if (parseNamed) {
    const named = new RegExp(`^\\s*([A-Za-z_][\\w.-]*)\\s*:\\s*(${NUMBER})\\s*$`, 'i');
    for (const line of lines) {
      const m = named.exec(line);
      if (m) metrics[m[1]] = Number(m[2]);
    }
  }
  if (scoreFormat) {
    const re = scoreFormatRegExp(scoreFormat);
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = re.exec(lines[i]);
      if (m?.groups?.score !== undefined) {
        metrics.score = Number(m.groups.score);
        break;
      }
    }
  }
  return metrics;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
