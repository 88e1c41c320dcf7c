/**
 * Disjoint sets over the global ids `1..size`, grown in bulk as blocks are read. The
 * smaller root wins every union, so `parent[x] <= x` holds and one increasing sweep
 * ({@link flatten}) points every id at its root, the smallest id of its set.
 */
export class GlobalUnionFind {
  /** `parent[x]`; entry 0 is unused. */
  parent: Uint32Array;
  /** Largest id in use. */
  size = 0;

  constructor(capacity = 1024) {
    this.parent = new Uint32Array(Math.max(2, capacity));
  }

  /** Makes ids `size + 1 .. size + count` singletons; returns the first. */
  add(count: number): number {
    const first = this.size + 1;
    const need = this.size + count + 1;
    if (need > 0xffffffff) throw new RangeError(`more than 4294967294 block-local labels in all`);
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

  /** Merges the sets of `a` and `b`; returns true when they were different sets. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (rb < ra) {
      const t = ra;
      ra = rb;
      rb = t;
    }
    this.parent[rb] = ra;
    return true;
  }

  /** Points every id directly at its root (valid because `parent[x] <= x`). */
  flatten(): Uint32Array {
    const p = this.parent;
    for (let x = 1; x <= this.size; x++) p[x] = p[p[x]];
    return p;
  }
}
