/**
 * Naive references for the feature, matching and classification kernels (tests only): direct
 * definitions, written without the kernels' shared code.
 */
import type { Shape3 } from '../core/volume.types';

/** Ball offsets `(dz, dy, dx)` with `sum (d_a / r_a)^2 <= 1 (+1e-9)`, from the definition. */
export function bruteBallOffsets(r: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  const e = Math.floor(r + 1e-9);
  for (let z = -e; z <= e; z++)
    for (let y = -e; y <= e; y++)
      for (let x = -e; x <= e; x++) if (r > 0 ? (z * z + y * y + x * x) / (r * r) <= 1 + 1e-9 : z === 0 && y === 0 && x === 0) out.push([z, y, x]);
  return out;
}

function get(input: ArrayLike<number>, shape: Shape3, z: number, y: number, x: number): number {
  const [Z, Y, X] = shape;
  if (z < 0 || z >= Z || y < 0 || y >= Y || x < 0 || x >= X) return 0;
  return input[(z * Y + y) * X + x];
}

/** Sum over the ball around every voxel, zeros outside. */
export function bruteBallSum(input: ArrayLike<number>, shape: Shape3, r: number): number[] {
  const off = bruteBallOffsets(r);
  const [Z, Y, X] = shape;
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let s = 0;
        for (const [a, b, c] of off) s += get(input, shape, z + a, y + b, x + c);
        out.push(s);
      }
  return out;
}

/** `out[p] = sum_t k[t] * input[p + t - c]`, zeros outside (correlation, 'same'). */
export function bruteCorrelate(input: ArrayLike<number>, shape: Shape3, k: ArrayLike<number>, ks: Shape3): number[] {
  const [Z, Y, X] = shape;
  const c = ks.map((v) => (v - 1) / 2);
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        let s = 0;
        for (let a = 0; a < ks[0]; a++)
          for (let b = 0; b < ks[1]; b++)
            for (let d = 0; d < ks[2]; d++) s += k[(a * ks[1] + b) * ks[2] + d] * get(input, shape, z + a - c[0], y + b - c[1], x + d - c[2]);
        out.push(s);
      }
  return out;
}

/** Pearson correlation of the ball-in-box template with the zero-padded window at every voxel. */
export function bruteSphereNcc(input: ArrayLike<number>, shape: Shape3, r: number): number[] {
  const e = Math.floor(r + 1e-9);
  const inBall = new Set(bruteBallOffsets(r).map((o) => o.join(',')));
  const [Z, Y, X] = shape;
  const t: number[] = [];
  for (let a = -e; a <= e; a++) for (let b = -e; b <= e; b++) for (let c = -e; c <= e; c++) t.push(inBall.has([a, b, c].join(',')) ? 1 : 0);
  const tm = t.reduce((s, v) => s + v, 0) / t.length;
  const out: number[] = [];
  for (let z = 0; z < Z; z++)
    for (let y = 0; y < Y; y++)
      for (let x = 0; x < X; x++) {
        const w: number[] = [];
        for (let a = -e; a <= e; a++) for (let b = -e; b <= e; b++) for (let c = -e; c <= e; c++) w.push(get(input, shape, z + a, y + b, x + c));
        const wm = w.reduce((s, v) => s + v, 0) / w.length;
        let num = 0;
        let vw = 0;
        let vt = 0;
        let sq = 0;
        for (let i = 0; i < w.length; i++) {
          num += (w[i] - wm) * (t[i] - tm);
          vw += (w[i] - wm) ** 2;
          vt += (t[i] - tm) ** 2;
          sq += w[i] * w[i];
        }
        out.push(vt > 0 && vw > 1e-12 * sq && vw > 0 ? num / Math.sqrt(vw * vt) : 0);
      }
  return out;
}

/** xbrain's greedy loop, literally: a full ball sum every iteration. */
export function bruteDetectCells(
  prob: ArrayLike<number>,
  shape: Shape3,
  o: { threshold: number; stop: number; templateSize: number; dilation: number; maxCells: number },
): { cells: { z: number; y: number; x: number; score: number }[]; labels: number[] } {
  const [Z, Y, X] = shape;
  const work = Array.from(prob, (p) => (p > o.threshold ? p : 0));
  const tpl = bruteBallOffsets((o.templateSize - 1) / 2);
  const clr = bruteBallOffsets((o.templateSize + o.dilation - 1) / 2);
  const labels = new Array<number>(work.length).fill(0);
  const cells: { z: number; y: number; x: number; score: number }[] = [];
  while (cells.length < o.maxCells) {
    const corr = bruteBallSum(work, shape, (o.templateSize - 1) / 2);
    let best = 0;
    for (let i = 1; i < corr.length; i++) if (corr[i] > corr[best]) best = i;
    const score = corr[best] / tpl.length;
    if (!(score >= o.stop)) break;
    const x = best % X;
    const y = Math.floor(best / X) % Y;
    const z = Math.floor(best / (X * Y));
    cells.push({ z, y, x, score });
    for (const [a, b, c] of tpl) {
      if (z + a < 0 || z + a >= Z || y + b < 0 || y + b >= Y || x + c < 0 || x + c >= X) continue;
      const j = ((z + a) * Y + y + b) * X + x + c;
      if (labels[j] === 0) labels[j] = cells.length;
    }
    for (const [a, b, c] of clr) {
      if (z + a < 0 || z + a >= Z || y + b < 0 || y + b >= Y || x + c < 0 || x + c >= X) continue;
      work[((z + a) * Y + y + b) * X + x + c] = 0;
    }
  }
  return { cells, labels };
}

/** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, sorted descending. */
export function bruteJacobiEigenvalues(m: number[][]): number[] {
  const n = m.length;
  const a = m.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
  }
  return a.map((r, i) => r[i]).sort((x, y) => y - x);
}

/**
 * The best single split of labelled samples by exhaustive search: every feature, every
 * threshold equal to a sample value but the largest, weighted Gini impurity
 * (`sum_side n_side - sum_c count_c^2 / n_side`), lowest wins; ties: first feature, lowest threshold.
 */
export function bruteBestSplit(x: number[][], y: number[], K: number): { feature: number; threshold: number; impurity: number } | null {
  let best: { feature: number; threshold: number; impurity: number } | null = null;
  const gini = (ids: number[]): number => {
    const c = new Array<number>(K).fill(0);
    for (const i of ids) c[y[i]]++;
    return ids.length === 0 ? 0 : ids.length - c.reduce((s, v) => s + v * v, 0) / ids.length;
  };
  const ids = y.map((_, i) => i);
  const parent = gini(ids);
  for (let f = 0; f < x[0].length; f++) {
    const values = [...new Set(x.map((r) => r[f]))].sort((a, b) => a - b);
    for (const t of values.slice(0, -1)) {
      const l = ids.filter((i) => x[i][f] <= t);
      const r = ids.filter((i) => x[i][f] > t);
      const imp = gini(l) + gini(r);
      if (imp < parent - 1e-9 && (!best || imp < best.impurity - 1e-9)) best = { feature: f, threshold: t, impurity: imp };
    }
  }
  return best;
}

/** Inverse and determinant of a small matrix by Gauss-Jordan elimination with partial pivoting. */
export function bruteInverse(m: number[][]): { inverse: number[][]; det: number } {
  const n = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  let det = 1;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    if (p !== c) {
      [a[p], a[c]] = [a[c], a[p]];
      det = -det;
    }
    det *= a[c][c];
    const piv = a[c][c];
    for (let k = 0; k < 2 * n; k++) a[c][k] /= piv;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c];
      for (let k = 0; k < 2 * n; k++) a[r][k] -= f * a[c][k];
    }
  }
  return { inverse: a.map((r) => r.slice(n)), det };
}

/** One EM iteration of a Gaussian mixture from the textbook formulas (full covariance matrices). */
export function bruteGmmStep(
  x: number[][],
  weights: number[],
  means: number[][],
  covs: number[][][],
  reg: number,
): { weights: number[]; means: number[][]; covs: number[][][]; logLikelihood: number } {
  const n = x.length;
  const d = x[0].length;
  const K = weights.length;
  const inv = covs.map((c) => bruteInverse(c));
  const resp: number[][] = [];
  let ll = 0;
  for (const xi of x) {
    const p = means.map((mu, k) => {
      const diff = xi.map((v, j) => v - mu[j]);
      let maha = 0;
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) maha += diff[a] * inv[k].inverse[a][b] * diff[b];
      return (weights[k] * Math.exp(-0.5 * maha)) / Math.sqrt((2 * Math.PI) ** d * inv[k].det);
    });
    const s = p.reduce((a, b) => a + b, 0);
    ll += Math.log(s);
    resp.push(p.map((v) => v / s));
  }
  const nk = Array.from({ length: K }, (_, k) => resp.reduce((s, r) => s + r[k], 0) + 10 * 2.220446049250313e-16);
  const newMeans = Array.from({ length: K }, (_, k) => Array.from({ length: d }, (_, j) => resp.reduce((s, r, i) => s + r[k] * x[i][j], 0) / nk[k]));
  const newCovs = Array.from({ length: K }, (_, k) =>
    Array.from({ length: d }, (_, a) =>
      Array.from({ length: d }, (_, b) => resp.reduce((s, r, i) => s + r[k] * (x[i][a] - newMeans[k][a]) * (x[i][b] - newMeans[k][b]), 0) / nk[k] + (a === b ? reg : 0)),
    ),
  );
  const total = nk.reduce((a, b) => a + b, 0);
  return { weights: nk.map((v) => v / total), means: newMeans, covs: newCovs, logLikelihood: ll / n };
}

/**
 * Mean-boundary agglomeration from the definition: recompute every adjacent pair's mean boundary
 * value (max of the two voxels) from scratch, merge the lowest (ties: smallest label pair) into
 * its smaller label, repeat while the lowest mean is <= threshold.
 */
export function bruteAgglomerate(labels: ArrayLike<number>, shape: Shape3, boundary: ArrayLike<number>, threshold: number, offsets: [number, number, number][]): number[] {
  const [Z, Y, X] = shape;
  const cur = Array.from(labels);
  for (;;) {
    const sums = new Map<string, [number, number]>();
    for (let z = 0; z < Z; z++)
      for (let y = 0; y < Y; y++)
        for (let x = 0; x < X; x++) {
          const i = (z * Y + y) * X + x;
          for (const [dz, dy, dx] of offsets) {
            const [nz, ny, nx] = [z + dz, y + dy, x + dx];
            if (nz < 0 || nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
            const j = (nz * Y + ny) * X + nx;
            const a = cur[i];
            const b = cur[j];
            if (!a || !b || a === b || j < i) continue;
            const key = `${Math.min(a, b)},${Math.max(a, b)}`;
            const s = sums.get(key) ?? [0, 0];
            s[0] += Math.max(boundary[i], boundary[j]);
            s[1]++;
            sums.set(key, s);
          }
        }
    let best: [number, number, number] | null = null;
    for (const [key, [s, c]] of sums) {
      const [a, b] = key.split(',').map(Number);
      const m = s / c;
      if (!best || m < best[0] || (m === best[0] && (a < best[1] || (a === best[1] && b < best[2])))) best = [m, a, b];
    }
    if (!best || best[0] > threshold) return cur;
    for (let i = 0; i < cur.length; i++) if (cur[i] === best[2]) cur[i] = best[1];
  }
}
