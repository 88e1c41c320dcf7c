import type { BusHeaders, BusMessage } from '../bus.port';

const decoder = new TextDecoder();

/**
 * Shared behaviour of delivered messages: the first of ack / nak / term settles the
 * message and the later calls do nothing; `settlement()` waits for the asynchronous
 * part of the settlement (an ack round trip, a dead-letter publish).
 */
export abstract class SettleOnceMessage implements BusMessage {
  abstract readonly subject: string;
  abstract readonly data: Uint8Array;
  abstract readonly headers: BusHeaders;
  abstract readonly seq: number;
  abstract readonly deliveryCount: number;

  #settled = false;
  #pending: Promise<void> = Promise.resolve();
  #error: unknown;

  /** True once ack, nak or term was called. */
  get settled(): boolean {
    return this.#settled;
  }

  /** The error of a nak or term that failed in the background, if any. */
  get settlementError(): unknown {
    return this.#error;
  }

  json<T = unknown>(): T {
    return JSON.parse(decoder.decode(this.data)) as T;
  }

  async ack(): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    const done = this.onAck();
    this.#track(done);
    await done;
  }

  nak(delayMs?: number): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#track(this.onNak(Math.max(0, delayMs ?? 0)));
  }

  term(reason?: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#track(this.onTerm(reason));
  }

  working(): void {
    if (!this.#settled) this.onWorking();
  }

  /** Resolves (never rejects) once the settlement's asynchronous work is done. */
  settlement(): Promise<void> {
    return this.#pending;
  }

  protected abstract onAck(): Promise<void>;
  protected abstract onNak(delayMs: number): Promise<void>;
  protected abstract onTerm(reason: string | undefined): Promise<void>;
  protected abstract onWorking(): void;

  #track(work: Promise<void>): void {
    this.#pending = work.then(
      () => undefined,
      (err: unknown) => {
        this.#error = err;
      },
    );
  }
}
