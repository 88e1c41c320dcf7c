import type { JsMsg } from '@nats-io/jetstream';
import type { BusHeaders, StreamName } from '../bus.port';
import { DLQ_REASON_MAX_DELIVER, DLQ_REASON_TERMINATED, nakBackoffMs } from '../core/bus.defaults';
import type { DeadLetterSource } from '../core/dead-letter.util';
import { SettleOnceMessage } from '../core/settle-once.message';
import { fromNatsHeaders } from './nats-headers.util';
import type { WireNames } from './wire-names';

/** What a delivered JetStream message needs from its consumer. */
export interface JetStreamDelivery {
  readonly names: WireNames;
  readonly stream: StreamName;
  /** Logical consumer name. */
  readonly consumer: string;
  readonly maxDeliver: number;
  /** Publishes the dead letter of a message. */
  deadLetter(source: DeadLetterSource, data: Uint8Array): Promise<void>;
}

/**
 * One delivery of a JetStream message. A `term`, or a `nak` of the last allowed
 * delivery, publishes the dead letter from here (with its reason) before settling:
 * on a 2.9 server a termed work-queue message is gone before its advisory arrives.
 */
export class JetStreamMessage extends SettleOnceMessage {
  readonly subject: string;
  readonly headers: BusHeaders;

  constructor(
    private readonly msg: JsMsg,
    private readonly delivery: JetStreamDelivery,
  ) {
    super();
    this.subject = delivery.names.logicalSubject(msg.subject);
    this.headers = fromNatsHeaders(msg.headers);
  }

  get data(): Uint8Array {
    return this.msg.data;
  }

  get seq(): number {
    return this.msg.seq;
  }

  get deliveryCount(): number {
    return this.msg.info.deliveryCount;
  }

  protected async onAck(): Promise<void> {
    await this.msg.ackAck();
  }

  protected async onNak(delayMs: number): Promise<void> {
    if (this.deliveryCount >= this.delivery.maxDeliver) await this.#deadLetter(DLQ_REASON_MAX_DELIVER);
    else this.msg.nak(delayMs);
  }

  protected async onTerm(reason: string | undefined): Promise<void> {
    await this.#deadLetter(reason || DLQ_REASON_TERMINATED);
  }

  protected onWorking(): void {
    this.msg.working();
  }

  async #deadLetter(reason: string): Promise<void> {
    const d = this.delivery;
    try {
      await d.deadLetter(
        { stream: d.stream, seq: this.seq, subject: this.subject, headers: this.headers, consumer: d.consumer, reason },
        this.data,
      );
    } catch (err) {
      this.msg.nak(nakBackoffMs(this.deliveryCount));
      throw err;
    }
    // 2.9 servers ignore a `+TERM` that carries a reason: the reason travels in the dead letter.
    this.msg.term();
  }
}
