import type { ConsumerSpec, StreamName } from '../bus.port';
import { DEFAULT_ACK_WAIT_MS, DEFAULT_CONCURRENCY, DEFAULT_MAX_DELIVER } from './bus.defaults';
import { assertFilter, assertName } from './subject.util';

/** A {@link ConsumerSpec} with its defaults applied and validated. */
export interface ResolvedConsumerSpec {
  readonly stream: StreamName;
  readonly durable?: string;
  readonly filterSubject: string;
  /** Where a new consumer starts: 'all' for a durable or on tasks, else `spec.deliver ?? 'new'`. */
  readonly deliver: 'all' | 'new';
  readonly ackWaitMs: number;
  readonly maxDeliver: number;
  readonly concurrency: number;
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new RangeError(`ConsumerSpec.${field} must be a positive integer, got ${String(value)}`);
  }
  return v;
}

/**
 * Applies the defaults of {@link ConsumerSpec} and rejects what the bus cannot honour
 * (unknown stream, filter outside the stream, bad durable name, `deliver` on a durable,
 * `deliver: 'new'` on the work queue, where NATS requires deliver-all).
 */
export function resolveConsumerSpec(spec: ConsumerSpec): ResolvedConsumerSpec {
  if (spec.stream !== 'events' && spec.stream !== 'tasks') {
    throw new RangeError(`ConsumerSpec.stream must be "events" or "tasks", got ${String(spec.stream)}`);
  }
  assertFilter(spec.stream, spec.filterSubject);
  if (spec.durable !== undefined) {
    assertName('durable', spec.durable);
    if (spec.deliver !== undefined) {
      throw new RangeError('ConsumerSpec.deliver applies to ephemeral consumers only (durables start at the first message)');
    }
  }
  if (spec.deliver !== undefined && spec.deliver !== 'all' && spec.deliver !== 'new') {
    throw new RangeError(`ConsumerSpec.deliver must be "all" or "new", got ${String(spec.deliver)}`);
  }
  if (spec.stream === 'tasks' && spec.deliver === 'new') {
    throw new RangeError('ConsumerSpec.deliver "new" applies to the events stream only (a work queue delivers all pending tasks)');
  }
  return {
    stream: spec.stream,
    ...(spec.durable !== undefined ? { durable: spec.durable } : {}),
    filterSubject: spec.filterSubject,
    deliver: spec.durable !== undefined || spec.stream === 'tasks' ? 'all' : (spec.deliver ?? 'new'),
    ackWaitMs: positiveInteger('ackWaitMs', spec.ackWaitMs, DEFAULT_ACK_WAIT_MS),
    maxDeliver: positiveInteger('maxDeliver', spec.maxDeliver, DEFAULT_MAX_DELIVER),
    concurrency: positiveInteger('concurrency', spec.concurrency, DEFAULT_CONCURRENCY),
  };
}
