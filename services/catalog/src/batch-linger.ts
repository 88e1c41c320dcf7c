/**
 * A cancellable wait before a batch is committed: events that arrive meanwhile join
 * the next batch instead of each paying for a transaction of its own. `release()`
 * ends every current wait at once and makes later waits return immediately (used at
 * shutdown, so nothing is left uncommitted when the database closes); `cut()` ends
 * the current waits only.
 */
export class BatchLinger {
  private readonly wakers = new Set<() => void>();
  private released = false;

  /** @param ms how long {@link wait} waits by default, in milliseconds (0: no wait). */
  constructor(readonly ms: number) {}

  /** Resolves after `ms` (default: the linger's), or at once when released or cut. */
  wait(ms = this.ms): Promise<void> {
    if (this.released || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
    });
  }

  /** Ends every current wait now (later ones wait as usual). */
  cut(): void {
    for (const wake of [...this.wakers]) wake();
  }

  /** Ends every wait now, and every later one at once. */
  release(): void {
    this.released = true;
    this.cut();
  }
}
