/**
 * Runs async jobs one at a time, in call order. The embedded catalog has a single
 * database session, so two transactions must never interleave on it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `job` after every job queued before it; resolves or rejects with its result. */
  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
