import { checkConnectivity, checkVolume } from '../core/shape';
import type { Connectivity, NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingValueError } from '../errors/imaging-errors';

/** Options of {@link agglomerateMeanBoundary}. */
export interface AgglomerateOptions {
  /** 6: face-adjacent voxels form the boundary (default); 18 or 26 add edge and corner pairs. */
  readonly connectivity?: Connectivity;
}

/** Result of {@link agglomerateMeanBoundary}. */
export interface Agglomeration {
  /** The merged labelling: every label is replaced by the smallest label of its merged set. */
  readonly labels: Uint32Array;
  /** Number of merges done. */
  readonly merges: number;
}

/**
 * Greedy mean-boundary agglomeration of an over-segmentation (as gala's mean agglomeration):
 * two labels are adjacent when some pair of neighbouring voxels carries them; the boundary value
 * of such a pair is the larger of the two voxels' `boundary` values (e.g. membrane probability),
 * and an edge's score is the mean over its pairs. Repeatedly the lowest-scoring edge is merged
 * (ties: the smallest pair of labels) while its score is `<= threshold`; merged regions' edges
 * pool their pairs, so scores stay exact means. Label 0 is background and never merges. The
 * merged set keeps its smallest label. O(pairs + E log E) with a lazy heap.
 */
export function agglomerateMeanBoundary(labels: Uint32Array, shape: Shape3, boundary: NumericArray, threshold: number, options: AgglomerateOptions = {}): Agglomeration {
  const n = checkVolume('labels', labels, shape);
  checkVolume('boundary', boundary, shape);
  const conn = checkConnectivity(options.connectivity ?? 6);
  if (Number.isNaN(threshold)) throw new ImagingOptionError('threshold must be a number');
  const [Z, Y, X] = shape;
  let max = 0;
  for (let i = 0; i < n; i++) if (labels[i] > max) max = labels[i];
  // Forward half of the neighbourhood: every unordered voxel pair is visited once.
  const offsets: [number, number, number][] = [];
  for (let dz = 0; dz <= 1; dz++)
    for (let dy = dz === 0 ? 0 : -1; dy <= 1; dy++)
      for (let dx = dz === 0 && dy === 0 ? 1 : -1; dx <= 1; dx++) {
        const order = Math.abs(dz) + Math.abs(dy) + Math.abs(dx);
        if (order === 0 || (conn === 6 && order > 1) || (conn === 18 && order > 2)) continue;
        offsets.push([dz, dy, dx]);
      }
  const edges: Map<number, Float64Array>[] = Array.from({ length: max + 1 }, () => new Map());
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++) {
        const i = (z * Y + y) * X + x;
        const a = labels[i];
        if (a === 0) continue;
        const bi = boundary[i];
        if (Number.isNaN(bi)) throw new ImagingValueError(`boundary value at voxel ${i} is NaN`);
        for (const [dz, dy, dx] of offsets) {
          const nz = z + dz;
          const ny = y + dy;
          const nx = x + dx;
          if (nz >= Z || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
          const j = (nz * Y + ny) * X + nx;
          const b = labels[j];
          if (b === 0 || b === a) continue;
          const v = bi > boundary[j] ? bi : boundary[j];
          let e = edges[a].get(b);
          if (!e) {
            e = new Float64Array(2);
            edges[a].set(b, e);
            edges[b].set(a, e);
          }
          e[0] += v;
          e[1]++;
        }
      }
    }
  }
  const heap = new EdgeHeap();
  for (let a = 1; a <= max; a++) for (const [b, e] of edges[a]) if (a < b) heap.push(e[0] / e[1], a, b);
  const parent = new Uint32Array(max + 1);
  for (let l = 0; l <= max; l++) parent[l] = l;
  let merges = 0;
  while (heap.size > 0) {
    const { score, a, b } = heap.pop();
    if (score > threshold) break;
    if (parent[a] !== a || parent[b] !== b) continue;
    const e = edges[a].get(b);
    if (!e || e[0] / e[1] !== score) continue;
    // Merge b into a (a < b): b's edges move to a, pooling with a's edge to the same label.
    edges[a].delete(b);
    for (const [c, eb] of edges[b]) {
      if (c === a) continue;
      edges[c].delete(b);
      const ea = edges[a].get(c);
      if (ea) {
        ea[0] += eb[0];
        ea[1] += eb[1];
        heap.push(ea[0] / ea[1], Math.min(a, c), Math.max(a, c));
      } else {
        edges[a].set(c, eb);
        edges[c].set(a, eb);
        heap.push(eb[0] / eb[1], Math.min(a, c), Math.max(a, c));
      }
    }
    edges[b].clear();
    parent[b] = a;
    merges++;
  }
  const root = (l: number): number => {
    while (parent[l] !== l) l = parent[l];
    return l;
  };
  const rootOf = new Uint32Array(max + 1);
  for (let l = 0; l <= max; l++) rootOf[l] = root(l);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = rootOf[labels[i]];
  return { labels: out, merges };
}

/** Binary min-heap of (score, a, b), ordered lexicographically. */
class EdgeHeap {
  private score: number[] = [];
  private a: number[] = [];
  private b: number[] = [];

  get size(): number {
    return this.score.length;
  }

  push(score: number, a: number, b: number): void {
    this.score.push(score);
    this.a.push(a);
    this.b.push(b);
    let k = this.score.length - 1;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }

  pop(): { score: number; a: number; b: number } {
    const top = { score: this.score[0], a: this.a[0], b: this.b[0] };
    const last = this.score.length - 1;
    this.swap(0, last);
    this.score.pop();
    this.a.pop();
    this.b.pop();
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < this.score.length && this.less(l, m)) m = l;
      if (r < this.score.length && this.less(r, m)) m = r;
      if (m === k) break;
      this.swap(k, m);
      k = m;
    }
    return top;
  }

  private less(i: number, j: number): boolean {
    return this.score[i] < this.score[j] || (this.score[i] === this.score[j] && (this.a[i] < this.a[j] || (this.a[i] === this.a[j] && this.b[i] < this.b[j])));
  }

  private swap(i: number, j: number): void {
    [this.score[i], this.score[j]] = [this.score[j], this.score[i]];
    [this.a[i], this.a[j]] = [this.a[j], this.a[i]];
    [this.b[i], this.b[j]] = [this.b[j], this.b[i]];
  }
}
