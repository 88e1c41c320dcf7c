/**
 * Serializes the work on one key (a run) and batches it: changes queued while a
 * batch is being committed are committed together in the next batch, so a burst of
 * 1,000 step completions costs a handful of state writes, not 1,000.
 */
export class Mailbox<C> {
  private queue: Array<{ change: C; resolve: () => void; reject: (e: unknown) => void }> = [];
  private running = false;

  constructor(private readonly commit: (changes: C[]) => Promise<void>) {}

  /** Resolves once `change` has been committed (or rejects with the batch's error). */
  post(change: C): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** True when nothing is queued or running (the mailbox may be dropped). */
  get idle(): boolean {
    return !this.running && this.queue.length === 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length) {
      const batch = this.queue;
      this.queue = [];
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
