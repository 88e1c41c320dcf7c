import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { MergeRequested, MergeRejected } from '@saber/contracts';
import { EventPublisher, rejectPendingRequest } from '@saber/runtime';

/** Bus handlers of the merger. */
@Controller()
export class MergerController {
  constructor(private readonly publisher: EventPublisher) {}

  /** merging of block results: answered with MergeRejected until the merger's logic lands. */
  @BusConsumer({ stream: 'events', durable: 'merger-requests', filterSubject: MergeRequested.subject, raw: true })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await rejectPendingRequest(this.publisher, MergeRejected, ctx.getMessage(), 'merging of block results');
  }
}
