import { EventPattern } from '@nestjs/microservices';
import type { ConsumerSpec } from '../bus.port';
import { resolveConsumerSpec } from '../core/consumer-spec.util';

const KEY_ORDER = ['stream', 'durable', 'filterSubject', 'deliver', 'ackWaitMs', 'maxDeliver', 'concurrency', 'raw'] as const;

/**
 * A consumer spec as the Nest transport sees it. `raw: true` hands the handler the
 * message unparsed (payload `undefined`; read it from `BusContext.getMessage()`), for
 * handlers that must answer malformed messages themselves instead of having them
 * dead-lettered.
 */
export type NestConsumerSpec = ConsumerSpec & { raw?: boolean };

/** The Nest event pattern of a consumer: its spec as JSON with a fixed key order (the same spec, the same pattern). */
export function consumerPattern(spec: NestConsumerSpec): string {
  const ordered: Record<string, unknown> = {};
  for (const key of KEY_ORDER) if (spec[key] !== undefined) ordered[key] = spec[key];
  return JSON.stringify(ordered);
}

/** The consumer spec of a pattern made by {@link consumerPattern}, or undefined for any other pattern. */
export function parseConsumerPattern(pattern: string): NestConsumerSpec | undefined {
  let value: unknown;
  try {
    value = JSON.parse(pattern);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const spec = value as Partial<ConsumerSpec>;
  if ((spec.stream !== 'events' && spec.stream !== 'tasks') || typeof spec.filterSubject !== 'string') return undefined;
  return spec as NestConsumerSpec;
}

/**
 * Marks a controller method as the handler of a bus consumer. The method receives
 * `(payload, context: BusContext)`: the message parsed as JSON and the delivery. Returning
 * acks, throwing naks for redelivery. The spec is validated here, at start-up.
 *
 * @example
 * ```ts
 * @BusConsumer({ stream: 'tasks', durable: 'executor', filterSubject: 'saber.tasks.step.run.1', concurrency: 4 })
 * async run(@Payload() task: RunStep, @Ctx() ctx: BusContext) { ... }
 * ```
 */
export function BusConsumer(spec: NestConsumerSpec): MethodDecorator {
  const { raw: _raw, ...portSpec } = spec;
  resolveConsumerSpec(portSpec);
  return EventPattern(consumerPattern(spec));
}
