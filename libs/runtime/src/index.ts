/**
 * @module @saber/runtime
 * What every SABER service process shares: the bus factory, the contract-checked
 * event publisher, the runtime module (bus + config injection), the health endpoint
 * and the distributed-mode bootstrap.
 */
export * from './tokens';
export * from './event-publisher';
export * from './runtime.module';
export * from './health.controller';
export * from './bus.factory';
export * from './bootstrap';
export * from './batcher';
export * from './stderr.logger';
export * from './kv-records';
export * from './request-intake';
