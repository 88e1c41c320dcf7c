import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { MergeRequested } from '@saber/contracts';
import { MergeService } from './merge/merge.service';

/** Bus handlers of the merger: thin, they delegate to {@link MergeService}. */
@Controller()
export class MergerController {
  constructor(private readonly merges: MergeService) {}

  /**
   * Merge requests; raw, so that a malformed one is answered with merge.failed instead of
   * dead-lettered. A merge heartbeats its message while it runs.
   */
  @BusConsumer({ stream: 'events', durable: 'merger-requests', filterSubject: MergeRequested.subject, raw: true, ackWaitMs: 60_000 })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.merges.onMergeRequested(ctx.getMessage());
  }
}
