/**
 * Disjoint sets over `1..n` in a growable `Uint32Array`, for the two-pass labelling
 * and for stitching block labels (ids added in bulk per block, see {@link add}).
 * Invariant: `parent[x] <= x` (the smaller root wins a union), so one increasing sweep
 * ({@link flatten}) turns every entry into its root.
 */
export class UnionFind {
  /** `parent[x]`; index 0 is unused. */
  parent: Uint32Array;
  /** Number of sets created, the largest valid element. */
  size = 0;
  /** Unions that joined two different sets. */
  merges = 0;

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

  /** Makes elements `size + 1 .. size + count` singletons; returns the first. */
  add(count: number): number {
    const first = this.size + 1;
    const need = this.size + count + 1;
    if (need > 0xffffffff) throw new RangeError(`more than 4294967294 elements in all`);
    if (need > this.parent.length) {
      let cap = this.parent.length;
      while (cap < need) cap = Math.min(0xffffffff, cap * 2);
      const grown = new Uint32Array(cap);
      grown.set(this.parent.subarray(0, this.size + 1));
      this.parent = grown;
    }
    for (let x = first; x < need; x++) this.parent[x] = x;
    this.size += count;
    return first;
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
    this.merges++;
    return ra;
  }

  /** Points every element directly at its root (valid because `parent[x] <= x`). */
  flatten(): Uint32Array {
    const p = this.parent;
    for (let x = 1; x <= this.size; x++) p[x] = p[p[x]];
    return p;
  }
}
