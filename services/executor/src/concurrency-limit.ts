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
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Takes a slot once one is free (in order of arrival). Resolves to the function
   * that gives it back; calling that function again does nothing.
   */
  async acquire(): Promise<() => void> {
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }
}
