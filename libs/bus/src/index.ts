/**
 * `@saber/bus`: the bus port every SABER service talks through, its two
 * implementations ({@link JetStreamBus} on NATS JetStream, {@link InProcessBus} in
 * memory), and the Nest transport that binds `@BusConsumer` handlers to it.
 *
 * @module
 */
export * from './bus.port';
export {
  DEFAULT_ACK_WAIT_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_DUPLICATE_WINDOW_MS,
  DEFAULT_MAX_DELIVER,
  DLQ_CONSUMER_HEADER,
  DLQ_REASON_HEADER,
  DLQ_REASON_MAX_DELIVER,
  DLQ_REASON_TERMINATED,
  DLQ_SEQ_HEADER,
  DLQ_STREAM_HEADER,
  NAK_BACKOFF_BASE_MS,
  NAK_BACKOFF_MAX_MS,
  nakBackoffMs,
} from './core/bus.defaults';
export { nestBusLogger, type BusLogger } from './core/bus-logger';
export { deadLetterSubject, isDeadLetterSubject, streamOfSubject, subjectMatches } from './core/subject.util';
export { InProcessBus } from './in-process/in-process-bus';
export type { InProcessBusOptions } from './in-process/in-process-bus.options';
export { JetStreamBus } from './jetstream/jetstream-bus';
export type { JetStreamBusOptions } from './jetstream/jetstream-bus.options';
export { BusConsumer, consumerPattern, parseConsumerPattern, type NestConsumerSpec } from './nest/bus-consumer.decorator';
export { BusContext } from './nest/bus.context';
export { BUS_TRANSPORT, BusTransportStrategy, type BusTransportEvents } from './nest/bus-transport.strategy';
