import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BusConsumer, BusContext } from '@saber/bus';
import { Filters, StepCompleted, StepFailed } from '@saber/contracts';
import { PlannerService } from './planner.service';

/** Bus handlers of the planner: thin, they validate and delegate. */
@Controller()
export class PlannerController {
  private readonly log = new Logger('planner');

  constructor(private readonly planner: PlannerService) {}

  /** Run requests (any version the planner understands). */
  @BusConsumer({ stream: 'events', durable: 'planner-requests', filterSubject: Filters.runRequested, concurrency: 4, raw: true })
  async runRequested(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    await this.planner.onRunRequested(ctx.getMessage());
  }

  /** Step results. step.ready/started are the planner's own or informational: skipped. */
  @BusConsumer({ stream: 'events', durable: 'planner-steps', filterSubject: Filters.stepEvents, concurrency: 64 })
  async stepEvent(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const msg = ctx.getMessage();
    if (msg.subject === StepCompleted.subject) await this.planner.onStepCompleted(StepCompleted.parse(msg.json()));
    else if (msg.subject === StepFailed.subject) await this.planner.onStepFailed(StepFailed.parse(msg.json()));
  }

  /** Tasks whose deliveries ran out: their executors died or rejected them. */
  @BusConsumer({ stream: 'events', durable: 'planner-dead-letters', filterSubject: Filters.deadLetteredTasks })
  async deadLetter(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const msg = ctx.getMessage();
    this.log.warn(`dead-lettered task on ${msg.subject}`);
    await this.planner.onDeadLetter(msg);
  }
}
