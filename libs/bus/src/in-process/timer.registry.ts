/** Every timer of an in-process bus, so that `close()` leaves no handle keeping the process alive. */
export class TimerRegistry {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Runs `fn` once after `ms` milliseconds unless cleared first. */
  set(fn: () => void, ms: number): NodeJS.Timeout {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      fn();
    }, ms);
    this.#timers.add(handle);
    return handle;
  }

  /** Cancels one timer; `undefined` is ignored. */
  clear(handle: NodeJS.Timeout | undefined): void {
    if (handle === undefined) return;
    clearTimeout(handle);
    this.#timers.delete(handle);
  }

  /** Cancels every timer. */
  clearAll(): void {
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
  }
}
