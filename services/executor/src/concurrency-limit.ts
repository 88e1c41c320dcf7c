/**
 * Limits how many tasks of one executor run at once, across task messages: a batch
 * message's elements and single tasks draw from the same slots.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  /** @param slots tasks that may run at once (at least 1). */
  constructor(private readonly slots: number) {
    if (!(slots >= 1)) throw new RangeError(`concurrency limit must be at least 1, got ${slots}`);
  }

  /** Runs `fn` when a slot is free; the slot is released when it settles. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    }
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }
}
