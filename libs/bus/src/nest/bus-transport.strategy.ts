import { Server, type CustomTransportStrategy, type MessageHandler as NestHandler } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import type { Bus, BusMessage, Subscription } from '../bus.port';
import { parseConsumerPattern } from './bus-consumer.decorator';
import { BusContext } from './bus.context';

/** Events a {@link BusTransportStrategy} reports through `on()`. */
export type BusTransportEvents = {
  /** A handler failed; the message will be redelivered (or dead-lettered). */
  error: (error: unknown, message: BusMessage) => void;
};

/** The transport id Nest sees for the bus. */
export const BUS_TRANSPORT = Symbol('saber-bus');

/**
 * A Nest microservice transport over a {@link Bus}. On `listen()` it starts a
 * `bus.consume` for every `@BusConsumer` handler; a handler's payload is the message
 * parsed as JSON and its context a {@link BusContext}. A handler that returns acks
 * (unless it settled the message itself); one that throws naks for redelivery; a
 * payload that is not JSON is `term`ed (dead-lettered) without reaching the handler.
 * `close()` stops the consumers; the bus belongs to whoever made it and is not closed.
 */
export class BusTransportStrategy extends Server<BusTransportEvents> implements CustomTransportStrategy {
  override readonly transportId = BUS_TRANSPORT;
  readonly #subscriptions: Subscription[] = [];
  readonly #listeners: Array<BusTransportEvents['error']> = [];

  /** @param bus - a started bus, owned (and closed) by the caller. */
  constructor(private readonly bus: Bus) {
    super();
  }

  /** Starts one `bus.consume` per `@BusConsumer` handler, then calls back (with the error, if one failed). */
  listen(callback: (err?: unknown) => void): void {
    this.#start().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  /** Stops the consumers, waiting for handlers in flight. */
  async close(): Promise<void> {
    await Promise.all(this.#subscriptions.splice(0).map((s) => s.stop()));
  }

  /** Registers a listener of handler failures (`error`), the only event. */
  on<K extends keyof BusTransportEvents>(event: K, callback: BusTransportEvents[K]): void {
    if (event !== 'error') throw new Error(`BusTransportStrategy emits no "${String(event)}" event`);
    this.#listeners.push(callback);
  }

  /** The bus. */
  unwrap<T>(): T {
    return this.bus as T;
  }

  async #start(): Promise<void> {
    for (const [pattern, handler] of this.getHandlers()) {
      const spec = parseConsumerPattern(pattern);
      if (!spec) {
        this.logger.warn?.(`BusTransportStrategy ignores the pattern ${pattern} (not a @BusConsumer)`);
        continue;
      }
      const { raw = false, ...portSpec } = spec;
      this.#subscriptions.push(await this.bus.consume(portSpec, (msg) => this.#handle(handler, msg, raw)));
    }
  }

  async #handle(handler: NestHandler, msg: BusMessage, raw: boolean): Promise<void> {
    let payload: unknown;
    try {
      payload = raw ? undefined : msg.json();
    } catch (err) {
      // Never parses, however often it is redelivered.
      msg.term(`malformed JSON: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    const context = new BusContext(msg);
    try {
      await new Promise<void>((resolve, reject) => {
        this.onProcessingStartHook(this.transportId, context, async () => {
          try {
            // Nest turns a thrown exception into an erroring observable: wait for it to complete.
            const result = await handler(payload, context);
            await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
            resolve();
          } catch (err) {
            reject(err);
          } finally {
            this.onProcessingEndHook?.(this.transportId, context);
          }
        });
      });
    } catch (err) {
      for (const listener of this.#listeners) listener(err, msg);
      throw err;
    }
  }
}
