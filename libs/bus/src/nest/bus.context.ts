import { BaseRpcContext } from '@nestjs/microservices';
import type { BusMessage } from '../bus.port';

/** The Nest context of a bus handler: gives it the delivery, to call `working()`, `term()` or read headers. */
export class BusContext extends BaseRpcContext<[BusMessage]> {
  constructor(message: BusMessage) {
    super([message]);
  }

  /** The delivered message. */
  getMessage(): BusMessage {
    return this.args[0];
  }

  /** The message's logical subject. */
  getSubject(): string {
    return this.args[0].subject;
  }

  /** The message's headers. */
  getHeaders(): Readonly<Record<string, string>> {
    return this.args[0].headers;
  }
}
