import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { MessageHandler, Subscription } from '../bus.port';
import type { BusLogger } from '../core/bus-logger';
import { runHandler } from '../core/handler.runner';
import type { SettleOnceMessage } from '../core/settle-once.message';

/** How long one pull request waits for messages, in milliseconds (the client's minimum is 1000). */
export const FETCH_EXPIRES_MS = 5_000;

/** Pause after a failed pull before the next one, in milliseconds. */
export const FETCH_RETRY_DELAY_MS = 1_000;

/** Settings of one pull loop. */
export interface PullLoopOptions {
  consumer: Consumer;
  /** Logical consumer name, for logs. */
  name: string;
  concurrency: number;
  handler: MessageHandler;
  wrap(msg: JsMsg): SettleOnceMessage;
  logger: BusLogger;
  /** Runs once after the loop and its handlers ended (deletes an ephemeral consumer). */
  onStopped?(): Promise<void>;
}

/**
 * A pull loop: it asks for as many messages as it has free handler slots, so no more
 * than `concurrency` messages are ever held (a held message's ack wait is running).
 */
export class JetStreamSubscription implements Subscription {
  readonly #inflight = new Set<Promise<void>>();
  readonly #loop: Promise<void>;
  #running = true;
  #batch: ConsumerMessages | undefined;
  #wakeUp: (() => void) | undefined;
  #stopped: Promise<void> | undefined;

  constructor(private readonly o: PullLoopOptions) {
    this.#loop = this.#run();
  }

  stop(): Promise<void> {
    return (this.#stopped ??= (async () => {
      this.#running = false;
      this.#wakeUp?.();
      void this.#batch?.close().catch(() => undefined);
      await this.#loop;
      while (this.#inflight.size > 0) await Promise.all([...this.#inflight]);
      await this.o.onStopped?.();
    })());
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const free = this.o.concurrency - this.#inflight.size;
      if (free <= 0) {
        await Promise.race(this.#inflight);
        continue;
      }
      try {
        const batch = await this.o.consumer.fetch({ max_messages: free, expires: FETCH_EXPIRES_MS });
        if (!this.#running) {
          // Stopped while the pull was being set up: give it up without reading it.
          void batch.close().catch(() => undefined);
          break;
        }
        this.#batch = batch;
        for await (const msg of batch) this.#dispatch(msg);
      } catch (err) {
        if (!this.#running) break;
        this.o.logger.warn('bus pull failed; retrying', { consumer: this.o.name, error: err });
        await this.#pause(FETCH_RETRY_DELAY_MS);
      } finally {
        this.#batch = undefined;
      }
    }
  }

  #dispatch(msg: JsMsg): void {
    const run = runHandler(this.o.wrap(msg), this.o.handler, this.o.logger, this.o.name).finally(() =>
      this.#inflight.delete(run),
    );
    this.#inflight.add(run);
  }

  #pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeUp = done;
    });
  }
}
