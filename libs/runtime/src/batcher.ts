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

/**
 * One {@link Batcher} per key (a run, a sweep, a study): the changes of one key are committed
 * in order, a batch at a time, while different keys commit independently. A key's batcher is
 * dropped once it falls idle, so only keys with changes in flight hold one.
 */
export class Mailboxes<C> {
  private readonly boxes = new Map<string, Batcher<C>>();

  /**
   * @param commit commits one batch of a key's changes
   * @param linger as {@link Batcher}'s, asked per key
   */
  constructor(
    private readonly commit: (key: string, changes: C[]) => Promise<void>,
    private readonly linger?: (key: string) => number,
  ) {}

  /** Resolves once `change` has been committed to `key` (or rejects with its batch's error). */
  post(key: string, change: C): Promise<void> {
    let box = this.boxes.get(key);
    if (!box) {
      const linger = this.linger;
      box = new Batcher<C>((changes) => this.commit(key, changes), Number.POSITIVE_INFINITY, linger && (() => linger(key)));
      this.boxes.set(key, box);
    }
    const b = box;
    return b.post(change).finally(() => {
      if (b.idle && this.boxes.get(key) === b) this.boxes.delete(key);
    });
  }

  /** Keys with changes queued or being committed. */
  get size(): number {
    return this.boxes.size;
  }
}
