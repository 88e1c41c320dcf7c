import { Inject, Injectable } from '@nestjs/common';
import type { Bus, PublishAck } from '@saber/bus';
import { SCHEMA_HEADER, StepTask, StepTaskBatch, taskSubject, type Contract } from '@saber/contracts';
import { context, injectTraceHeaders, type Context } from '@saber/telemetry';
import type { z } from 'zod';
import { BUS } from './tokens';

const encoder = new TextEncoder();

/** Options of one publish. */
export interface PublishEventOptions {
  /** Deduplication id: the same logical message must always get the same id. */
  msgId: string;
  /** Trace context to propagate (default: the active one). */
  parent?: Context;
}

/**
 * Publishes contract-checked messages: validates the payload against its schema,
 * sets `Nats-Msg-Id`, `Saber-Schema` and the W3C trace context, and resolves once
 * the stream stored the message.
 */
@Injectable()
export class EventPublisher {
  constructor(@Inject(BUS) private readonly bus: Bus) {}

  /** Publishes `payload` on the contract's subject. Throws ContractViolation on a bad payload. */
  async publish<S extends z.ZodType>(contract: Contract<S>, payload: z.input<S>, options: PublishEventOptions): Promise<PublishAck> {
    return this.send(contract.subject, contract, payload, options);
  }

  /**
   * Publishes `payload` like {@link publish} but does not wait for the stream's answer
   * (see Bus.publishUnacked): in order with this process's other publishes, and lost
   * without an error when the stream refuses it. Throws ContractViolation on a bad payload.
   */
  publishUnacked<S extends z.ZodType>(contract: Contract<S>, payload: z.input<S>, options: PublishEventOptions): void {
    const value = contract.parse(payload);
    const headers = injectTraceHeaders({ [SCHEMA_HEADER]: `${contract.name}/v${contract.version}` }, options.parent ?? context.active());
    this.bus.publishUnacked(contract.subject, encoder.encode(JSON.stringify(value)), { msgId: options.msgId, headers });
  }

  /** Queues a step task on the work queue of `pool`. */
  async publishTask(pool: string, task: StepTask, options: PublishEventOptions): Promise<PublishAck> {
    return this.send(taskSubject(pool), StepTask, task, options);
  }

  /** Queues several elements of one scatter step as one message on the work queue of `pool`. */
  async publishTaskBatch(pool: string, batch: StepTaskBatch, options: PublishEventOptions): Promise<PublishAck> {
    return this.send(taskSubject(pool), StepTaskBatch, batch, options);
  }

  private async send<S extends z.ZodType>(subject: string, contract: Contract<S>, payload: unknown, options: PublishEventOptions) {
    const value = contract.parse(payload);
    const headers = injectTraceHeaders({ [SCHEMA_HEADER]: `${contract.name}/v${contract.version}` }, options.parent ?? context.active());
    return this.bus.publish(subject, encoder.encode(JSON.stringify(value)), { msgId: options.msgId, headers });
  }
}
