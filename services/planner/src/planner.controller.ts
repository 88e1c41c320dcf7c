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

  /**
   * Step results, on two consumers that see only completed and failed events (a
   * consumer of all step events would pull and acknowledge three messages per task
   * to use one).
   */
  @BusConsumer({ stream: 'events', durable: 'planner-step-completed', filterSubject: Filters.stepCompleted, concurrency: 64 })
  async stepCompleted(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const event = StepCompleted.parse(ctx.getMessage().json());
    if (await this.planner.onStepCompleted(event)) this.later(ctx, event.taskId);
  }

  @BusConsumer({ stream: 'events', durable: 'planner-step-failed', filterSubject: Filters.stepFailed, concurrency: 64 })
  async stepFailed(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const event = StepFailed.parse(ctx.getMessage().json());
    if (await this.planner.onStepFailed(event)) this.later(ctx, event.taskId);
  }

  /** A result ahead of its run's saved state (a planner crashed mid-dispatch): delivered again later. */
  private later(ctx: BusContext, taskId: string): void {
    const msg = ctx.getMessage();
    const delay = this.planner.earlyRetryMs(msg.deliveryCount);
    this.log.warn(`result of ${taskId} arrived before its dispatch was saved; redelivering it in ${delay} ms`);
    msg.nak(delay);
  }

  /** Tasks whose deliveries ran out: their executors died or rejected them. */
  @BusConsumer({ stream: 'events', durable: 'planner-dead-letters', filterSubject: Filters.deadLetteredTasks })
  async deadLetter(@Payload() _data: unknown, @Ctx() ctx: BusContext): Promise<void> {
    const msg = ctx.getMessage();
    this.log.warn(`dead-lettered task on ${msg.subject}`);
    await this.planner.onDeadLetter(msg);
  }
}
