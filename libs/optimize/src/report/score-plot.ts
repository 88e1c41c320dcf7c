/** One sampler's curve in a {@link scorePlotSvg}. */
export interface PlotSeries {
  /** Legend text (the sampler). */
  name: string;
  /** Individual trial scores, drawn as dots. */
  points?: ReadonlyArray<{ x: number; y: number }>;
  /** A line (e.g. best so far), drawn as steps. */
  line?: ReadonlyArray<{ x: number; y: number }>;
  /** A shaded band around the line (e.g. quartiles over seeds): same x as `line`. */
  band?: ReadonlyArray<{ x: number; low: number; high: number }>;
}

/** Options of {@link scorePlotSvg}. */
export interface PlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Pixels (default 720 × 420). */
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round tick positions covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
function ticks(lo: number, hi: number, target = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/**
 * A self-contained SVG chart of score versus trial, one colour per series (sampler),
 * like Figure 3 of the SABER paper: dots for the trials, a step line for the best
 * so far, an optional band. No dependencies; deterministic output.
 */
export function scorePlotSvg(series: readonly PlotSeries[], options: PlotOptions = {}): string {
  const W = options.width ?? 720;
  const H = options.height ?? 420;
  const m = { left: 70, right: 160, top: options.title ? 40 : 20, bottom: 50 };
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (const p of [...(s.points ?? []), ...(s.line ?? [])]) {
      if (Number.isFinite(p.x) && Number.isFinite(p.y)) {
        xs.push(p.x);
        ys.push(p.y);
      }
    }
    for (const b of s.band ?? []) if (Number.isFinite(b.low) && Number.isFinite(b.high)) ys.push(b.low, b.high);
  }
  let [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  x0 = Math.min(x0, 0);
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const X = (x: number) => (m.left + ((x - x0) / (x1 - x0)) * pw).toFixed(1);
  const Y = (y: number) => (m.top + (1 - (y - y0) / (y1 - y0)) * ph).toFixed(1);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  if (options.title) out.push(`<text x="${m.left + pw / 2}" y="24" text-anchor="middle" font-size="14">${esc(options.title)}</text>`);
  for (const t of ticks(x0, x1)) {
    out.push(`<line x1="${X(t)}" y1="${m.top}" x2="${X(t)}" y2="${m.top + ph}" stroke="#eee"/>`);
    out.push(`<text x="${X(t)}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  }
  for (const t of ticks(y0, y1)) {
    out.push(`<line x1="${m.left}" y1="${Y(t)}" x2="${m.left + pw}" y2="${Y(t)}" stroke="#eee"/>`);
    out.push(`<text x="${m.left - 6}" y="${Y(t)}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(options.xLabel ?? 'trial')}</text>`);
  out.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(options.yLabel ?? 'score')}</text>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]!;
    const band = (s.band ?? []).filter((b) => Number.isFinite(b.low) && Number.isFinite(b.high));
    if (band.length) {
      const upper = band.map((b, k) => `${k ? 'L' : 'M'}${X(b.x)} ${Y(b.high)}`).join(' ');
      const lower = [...band].reverse().map((b) => `L${X(b.x)} ${Y(b.low)}`).join(' ');
      out.push(`<path d="${upper} ${lower} Z" fill="${c}" fill-opacity="0.15" stroke="none"/>`);
    }
    for (const p of s.points ?? []) if (Number.isFinite(p.y)) out.push(`<circle cx="${X(p.x)}" cy="${Y(p.y)}" r="2.5" fill="${c}" fill-opacity="0.55"/>`);
    const line = (s.line ?? []).filter((p) => Number.isFinite(p.y));
    if (line.length) {
      const d = line.map((p, k) => (k === 0 ? `M${X(p.x)} ${Y(p.y)}` : `H${X(p.x)} V${Y(p.y)}`)).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${c}" stroke-width="2"/>`);
    }
    const ly = m.top + 10 + i * 18;
    out.push(`<line x1="${m.left + pw + 14}" y1="${ly}" x2="${m.left + pw + 34}" y2="${ly}" stroke="${c}" stroke-width="2"/>`);
    out.push(`<text x="${m.left + pw + 40}" y="${ly}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
