/**
 * Group commit: items posted while a batch is being committed are committed
 * together in the next batch, one batch at a time. A burst of 1,000 step
 * completions then costs a handful of state writes or transactions, not 1,000.
 */
export class Batcher<C> {
  private queue: Array<{ change: C; resolve: () => void; reject: (e: unknown) => void }> = [];
  private running = false;

  /**
   * @param commit commits one batch; a throw rejects every item of the batch
   * @param maxBatch most items per batch (default: unlimited)
   * @param linger milliseconds to wait before taking a batch, so that items arriving
   *   meanwhile join it (asked before each batch; 0 or none: take it at once)
   */
  constructor(
    private readonly commit: (changes: C[]) => Promise<void>,
    private readonly maxBatch = Number.POSITIVE_INFINITY,
    private readonly linger?: () => number,
  ) {}

  /** Resolves once `change` has been committed (or rejects with the batch's error). */
  post(change: C): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** True when nothing is queued or running (the batcher may be dropped). */
  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const wait = this.linger?.() ?? 0;
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const batch = this.queue.length > this.maxBatch ? this.queue.splice(0, this.maxBatch) : this.queue;
      if (batch === this.queue) this.queue = [];
      try {
        await this.commit(batch.map((b) => b.change));
        for (const b of batch) b.resolve();
      } catch (e) {
        for (const b of batch) b.reject(e);
      }
    }
    this.running = false;
  }
}
