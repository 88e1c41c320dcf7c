import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { Filters, StudyRequested } from '@saber/contracts';
import { StudyService } from './study/study.service';

/** Bus handlers of the optimizer: thin, they delegate to {@link StudyService}. */
@Controller()
export class OptimizerController {
  constructor(private readonly studies: StudyService) {}

  /** Study requests; raw, so that a malformed one is answered with study.rejected instead of dead-lettered. */
  @BusConsumer({ stream: 'events', durable: 'optimizer-requests', filterSubject: StudyRequested.subject, concurrency: 4, raw: true })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.studies.onStudyRequested(ctx.getMessage());
  }

  /**
   * Ends of runs (run.completed, run.failed, run.rejected): those of trials (and of
   * their blocks) advance their study. A 10 s ack wait bounds how long an event taken
   * by an optimizer that crashed waits before another one gets it.
   */
  @BusConsumer({ stream: 'events', durable: 'optimizer-runs', filterSubject: Filters.runEvents, concurrency: 16, ackWaitMs: 10_000 })
  async runEvent(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.studies.onRunEvent(ctx.getMessage());
  }

  /** Ends of block sweeps: a trial whose block sweep failed or was rejected fails. */
  @BusConsumer({ stream: 'events', durable: 'optimizer-sweeps', filterSubject: Filters.sweepEvents, concurrency: 4, ackWaitMs: 10_000 })
  async sweepEvent(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.studies.onSweepEvent(ctx.getMessage());
  }
}
