import type { BusHeaders } from '../bus.port';
import { SettleOnceMessage } from '../core/settle-once.message';
import type { StoredMessage } from './in-process.stream';

/** What a delivered in-process message reports its settlement to. */
export interface DeliveryOwner {
  ack(seq: number): void;
  nak(seq: number, token: number, delayMs: number): void;
  term(seq: number, token: number, reason: string | undefined): void;
  working(seq: number, token: number): void;
}

/** One delivery of an in-process message; `token` tells it apart from later redeliveries. */
export class InProcessMessage extends SettleOnceMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: BusHeaders;
  readonly seq: number;

  constructor(
    private readonly owner: DeliveryOwner,
    stored: StoredMessage,
    readonly deliveryCount: number,
    private readonly token: number,
  ) {
    super();
    this.subject = stored.subject;
    this.data = stored.data.slice();
    this.headers = { ...stored.headers };
    this.seq = stored.seq;
  }

  protected async onAck(): Promise<void> {
    this.owner.ack(this.seq);
  }

  protected async onNak(delayMs: number): Promise<void> {
    this.owner.nak(this.seq, this.token, delayMs);
  }

  protected async onTerm(reason: string | undefined): Promise<void> {
    this.owner.term(this.seq, this.token, reason);
  }

  protected onWorking(): void {
    this.owner.working(this.seq, this.token);
  }
}
