/**
 * @module @saber/contracts
 * Versioned message schemas of the SABER bus. Subjects carry the version
 * (`saber.events.run.requested.v1`); every message also carries a dedupe id
 * (`Nats-Msg-Id`), the schema name (`Saber-Schema`) and the W3C trace context.
 */
export * from './contract';
export * from './common.schema';
export * from './run.contracts';
export * from './step.contracts';
export * from './task.contracts';
export * from './subjects';
export * from './sweep.contracts';
export * from './merge.contracts';
export * from './study.contracts';
