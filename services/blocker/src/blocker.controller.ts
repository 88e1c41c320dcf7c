import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { Filters, SweepRequested } from '@saber/contracts';
import { BlockSweepService } from './sweep/block-sweep.service';

/** Bus handlers of the blocker: thin, they delegate to {@link BlockSweepService}. */
@Controller()
export class BlockerController {
  constructor(private readonly sweeps: BlockSweepService) {}

  /** Sweep requests; raw, so that a malformed one is answered with sweep.rejected instead of dead-lettered. */
  @BusConsumer({ stream: 'events', durable: 'blocker-requests', filterSubject: SweepRequested.subject, concurrency: 4, raw: true })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.sweeps.onSweepRequested(ctx.getMessage());
  }

  /**
   * Ends of runs (run.completed, run.failed, run.rejected): those of sweep children
   * advance their sweep. Handling takes milliseconds, so a 10 s ack wait bounds how long
   * an event taken by a blocker that crashed waits before another blocker gets it.
   */
  @BusConsumer({ stream: 'events', durable: 'blocker-runs', filterSubject: Filters.runEvents, concurrency: 32, ackWaitMs: 10_000 })
  async runEvent(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.sweeps.onRunEvent(ctx.getMessage());
  }
}
