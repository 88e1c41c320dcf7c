import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { StudyRequested, StudyRejected } from '@saber/contracts';
import { EventPublisher, rejectPendingRequest } from '@saber/runtime';

/** Bus handlers of the optimizer. */
@Controller()
export class OptimizerController {
  constructor(private readonly publisher: EventPublisher) {}

  /** hyperparameter studies: answered with StudyRejected until the optimizer's logic lands. */
  @BusConsumer({ stream: 'events', durable: 'optimizer-requests', filterSubject: StudyRequested.subject, raw: true })
  async request(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await rejectPendingRequest(this.publisher, StudyRejected, ctx.getMessage(), 'hyperparameter studies');
  }
}
