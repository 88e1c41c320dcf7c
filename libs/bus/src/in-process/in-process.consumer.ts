import type { MessageHandler } from '../bus.port';
import { DLQ_REASON_MAX_DELIVER, DLQ_REASON_TERMINATED } from '../core/bus.defaults';
import type { BusLogger } from '../core/bus-logger';
import type { ResolvedConsumerSpec } from '../core/consumer-spec.util';
import { runHandler } from '../core/handler.runner';
import { InProcessMessage, type DeliveryOwner } from './in-process.message';
import type { InProcessStream, StoredMessage } from './in-process.stream';
import type { TimerRegistry } from './timer.registry';

/** What a consumer needs from its bus. */
export interface ConsumerHost {
  readonly timers: TimerRegistry;
  readonly logger: BusLogger;
  /** Copies `msg` to its dead-letter subject. */
  deadLetter(stream: InProcessStream, msg: StoredMessage, consumer: string, reason: string): void;
}

/** Settings of a consumer that a later `consume` with the same durable may change. */
export type ConsumerSettings = Pick<ResolvedConsumerSpec, 'filterSubject' | 'ackWaitMs' | 'maxDeliver'>;

interface Delivery {
  deliveries: number;
  /** Identifies the latest delivery; settlements of older ones are ignored (except ack). */
  token: number;
  state: 'inflight' | 'delayed' | 'ready';
  timer?: NodeJS.Timeout;
}

/** One `consume` call attached to a consumer. */
export interface Worker {
  readonly handler: MessageHandler;
  readonly concurrency: number;
  inflight: number;
  readonly running: Set<Promise<void>>;
}

/**
 * A consumer of an in-process stream: one cursor shared by every attached worker,
 * pending deliveries with ack-wait timers, redelivery, and dead-lettering after
 * `maxDeliver` deliveries or `term`.
 */
export class InProcessConsumer implements DeliveryOwner {
  readonly #pending = new Map<number, Delivery>();
  readonly #ready: number[] = [];
  readonly #workers: Worker[] = [];
  #cursor: number;
  #nextToken = 1;
  #roundRobin = 0;
  #pumpScheduled = false;
  #closed = false;

  constructor(
    /** Logical name: the durable, or an ephemeral id. */
    readonly name: string,
    readonly stream: InProcessStream,
    public settings: ConsumerSettings,
    deliver: 'all' | 'new',
    private readonly host: ConsumerHost,
  ) {
    this.#cursor = deliver === 'new' ? stream.lastSeq + 1 : 1;
  }

  /** Attaches a worker and starts delivering to it. */
  attach(handler: MessageHandler, concurrency: number): Worker {
    const worker: Worker = { handler, concurrency, inflight: 0, running: new Set() };
    this.#workers.push(worker);
    this.schedulePump();
    return worker;
  }

  /** Detaches a worker and waits for its handlers in flight. */
  async detach(worker: Worker): Promise<void> {
    const i = this.#workers.indexOf(worker);
    if (i >= 0) this.#workers.splice(i, 1);
    while (worker.running.size > 0) await Promise.all([...worker.running]);
  }

  /** Number of attached workers. */
  get workerCount(): number {
    return this.#workers.length;
  }

  /** Stops delivering for good (the bus is closing). */
  close(): void {
    this.#closed = true;
  }

  /** Delivers what can be delivered, on the next microtask. */
  schedulePump(): void {
    if (this.#pumpScheduled || this.#closed) return;
    this.#pumpScheduled = true;
    queueMicrotask(() => {
      this.#pumpScheduled = false;
      this.#pump();
    });
  }

  ack(seq: number): void {
    const d = this.#pending.get(seq);
    if (!d) return;
    this.host.timers.clear(d.timer);
    this.#pending.delete(seq);
    if (this.stream.workQueue) this.stream.remove(seq);
  }

  nak(seq: number, token: number, delayMs: number): void {
    const d = this.#current(seq, token);
    if (!d) return;
    this.host.timers.clear(d.timer);
    if (d.deliveries >= this.settings.maxDeliver) {
      this.#deadLetter(seq, DLQ_REASON_MAX_DELIVER);
    } else if (delayMs > 0) {
      d.state = 'delayed';
      d.timer = this.host.timers.set(() => this.#makeReady(seq, d), delayMs);
    } else {
      this.#makeReady(seq, d);
    }
  }

  term(seq: number, token: number, reason: string | undefined): void {
    if (this.#current(seq, token)) this.#deadLetter(seq, reason || DLQ_REASON_TERMINATED);
  }

  working(seq: number, token: number): void {
    const d = this.#current(seq, token);
    if (d) this.#armAckWait(seq, d);
  }

  #current(seq: number, token: number): Delivery | undefined {
    const d = this.#pending.get(seq);
    return d && d.token === token && d.state === 'inflight' ? d : undefined;
  }

  #makeReady(seq: number, d: Delivery): void {
    d.state = 'ready';
    d.timer = undefined;
    this.#ready.push(seq);
    this.schedulePump();
  }

  #armAckWait(seq: number, d: Delivery): void {
    this.host.timers.clear(d.timer);
    const token = d.token;
    d.timer = this.host.timers.set(() => {
      if (this.#current(seq, token) !== d) return;
      d.timer = undefined;
      if (d.deliveries >= this.settings.maxDeliver) this.#deadLetter(seq, DLQ_REASON_MAX_DELIVER);
      else this.#makeReady(seq, d);
    }, this.settings.ackWaitMs);
  }

  #deadLetter(seq: number, reason: string): void {
    const d = this.#pending.get(seq);
    if (d) this.host.timers.clear(d.timer);
    this.#pending.delete(seq);
    const msg = this.stream.get(seq);
    if (!msg) return;
    this.host.deadLetter(this.stream, msg, this.name, reason);
    if (this.stream.workQueue) this.stream.remove(seq);
  }

  #pump(): void {
    while (!this.#closed) {
      const worker = this.#freeWorker();
      if (!worker) return;
      const msg = this.#nextMessage();
      if (!msg) return;
      this.#deliver(worker, msg);
    }
  }

  #freeWorker(): Worker | undefined {
    for (let i = 0; i < this.#workers.length; i++) {
      const w = this.#workers[(this.#roundRobin + i) % this.#workers.length]!;
      if (w.inflight < w.concurrency) {
        this.#roundRobin = (this.#roundRobin + i + 1) % this.#workers.length;
        return w;
      }
    }
    return undefined;
  }

  #nextMessage(): StoredMessage | undefined {
    while (this.#ready.length > 0) {
      const seq = this.#ready.shift()!;
      const d = this.#pending.get(seq);
      if (!d || d.state !== 'ready') continue;
      const msg = this.stream.get(seq);
      if (msg) return msg;
      this.#pending.delete(seq);
    }
    const msg = this.stream.firstMatching(this.#cursor, this.settings.filterSubject);
    this.#cursor = msg ? msg.seq + 1 : this.stream.lastSeq + 1;
    if (msg) this.#pending.set(msg.seq, { deliveries: 0, token: 0, state: 'ready' });
    return msg;
  }

  #deliver(worker: Worker, stored: StoredMessage): void {
    const d = this.#pending.get(stored.seq)!;
    d.deliveries += 1;
    d.token = this.#nextToken++;
    d.state = 'inflight';
    this.#armAckWait(stored.seq, d);
    worker.inflight += 1;
    const msg = new InProcessMessage(this, stored, d.deliveries, d.token);
    const run = (async () => {
      await null;
      await runHandler(msg, worker.handler, this.host.logger, this.name);
    })().finally(() => {
      worker.inflight -= 1;
      worker.running.delete(run);
      this.schedulePump();
    });
    worker.running.add(run);
  }
}
