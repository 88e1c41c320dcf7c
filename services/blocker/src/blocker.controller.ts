import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { SweepRequested, SweepRejected } from '@saber/contracts';
import { EventPublisher, rejectPendingRequest } from '@saber/runtime';

/** Bus handlers of the blocker. */
@Controller()
export class BlockerController {
  constructor(private readonly publisher: EventPublisher) {}

  /** block sweeps: answered with SweepRejected until the blocker's logic lands. */
  @BusConsumer({ stream: 'events', durable: 'blocker-requests', filterSubject: SweepRequested.subject, raw: true })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await rejectPendingRequest(this.publisher, SweepRejected, ctx.getMessage(), 'block sweeps');
  }
}
