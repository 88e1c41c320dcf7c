/**
 * Min-priority queue over the distinct integer keys `0..size-1` (voxel ranks), as a
 * hierarchical bitset: level 0 holds one bit per key, each higher level one bit per non-empty
 * 32-bit word below. Push, pop-min and membership are O(log32 size) bit operations (5 levels for
 * 2^25 keys) on about size/8 bytes that stay in cache. Each key is present at most once.
 */
export class RankQueue {
  private readonly levels: Uint32Array[] = [];
  private n = 0;

  constructor(size: number) {
    let words = Math.max(1, Math.ceil(size / 32));
    for (;;) {
      this.levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / 32);
    }
  }

  /** Number of keys queued. */
  get length(): number {
    return this.n;
  }

  /** Adds key `r` (not already present). */
  push(r: number): void {
    this.n++;
    const levels = this.levels;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l];
      const w = r >>> 5;
      const before = level[w];
      level[w] = before | (1 << (r & 31));
      if (before !== 0) return;
      r = w;
    }
  }

  /** Removes and returns the smallest key; -1 when empty. */
  pop(): number {
    if (this.n === 0) return -1;
    this.n--;
    const levels = this.levels;
    let w = 0;
    for (let l = levels.length - 1; l >= 0; l--) {
      const word = levels[l][w];
      w = w * 32 + (31 - Math.clz32(word & -word));
    }
    const r = w;
    for (let l = 0; l < levels.length; l++) {
      const level = levels[l];
      const i = w >>> 5;
      const after = level[i] & ~(1 << (w & 31));
      level[i] = after;
      if (after !== 0) break;
      w = i;
    }
    return r;
  }
}
