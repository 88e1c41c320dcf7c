/**
 * Disjoint sets over `1..n` in a growable `Uint32Array`, for the two-pass labelling.
 * Invariant: `parent[x] <= x` (the smaller root wins a union), so one increasing sweep
 * ({@link flatten}) turns every entry into its root.
 */
export class UnionFind {
  /** `parent[x]`; index 0 is unused. */
  parent: Uint32Array;
  /** Number of sets created, the largest valid element. */
  size = 0;

  constructor(capacity = 1024) {
    this.parent = new Uint32Array(Math.max(2, capacity));
  }

  /** Creates a new singleton set and returns its element (`1, 2, ...`). */
  make(): number {
    const x = ++this.size;
    if (x >= this.parent.length) {
      const grown = new Uint32Array(this.parent.length * 2);
      grown.set(this.parent);
      this.parent = grown;
    }
    this.parent[x] = x;
    return x;
  }

  /** Root of `x`, halving the path on the way. */
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      const g = p[p[x]];
      p[x] = g;
      x = g;
    }
    return x;
  }

  /** Merges the sets of `a` and `b`; returns the root, the smaller of the two roots. */
  union(a: number, b: number): number {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return ra;
    if (rb < ra) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    return ra;
  }

  /** Points every element directly at its root (valid because `parent[x] <= x`). */
  flatten(): Uint32Array {
    const p = this.parent;
    for (let x = 1; x <= this.size; x++) p[x] = p[p[x]];
    return p;
  }
}
