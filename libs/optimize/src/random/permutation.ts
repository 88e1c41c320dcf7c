import { hash32 } from './rng';

/**
 * A keyed pseudo-random permutation of `[0, n)`: a 4-round Feistel network over the
 * smallest even number of bits that covers `n`, with cycle walking. `at(i)` is O(1)
 * amortised and needs no memory, so "random without replacement" over a grid of
 * millions of points never materialises the grid, and draws every point exactly once
 * in `n` steps.
 */
export class RandomPermutation {
  private readonly half: number;
  private readonly mask: number;

  constructor(
    readonly n: number,
    private readonly key: number,
  ) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`RandomPermutation: n must be a positive integer, got ${n}`);
    let bits = 2;
    while (2 ** bits < n) bits += 2;
    if (bits > 52) throw new RangeError(`RandomPermutation: n = ${n} is too large`);
    this.half = bits / 2;
    this.mask = 2 ** this.half - 1;
  }

  /** Element `i` (0 ≤ i < n) of the permutation. */
  at(i: number): number {
    if (!Number.isInteger(i) || i < 0 || i >= this.n) throw new RangeError(`RandomPermutation.at: ${i} is outside [0, ${this.n})`);
    let x = i;
    do x = this.encrypt(x);
    while (x >= this.n);
    return x;
  }

  private encrypt(x: number): number {
    const size = this.mask + 1;
    let left = Math.floor(x / size);
    let right = x % size;
    for (let round = 0; round < 4; round++) {
      const f = hash32(this.key, round, right) % size;
      const next = (left ^ f) & this.mask;
      left = right;
      right = next;
    }
    return left * size + right;
  }
}
