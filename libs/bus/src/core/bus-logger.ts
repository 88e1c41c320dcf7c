import { Logger } from '@nestjs/common';

/** Where a bus reports what it cannot throw to a caller (handler failures, dead letters, lost acks). */
export interface BusLogger {
  /** Something recovered by itself (a handler threw and the message will be redelivered). */
  warn(message: string, fields: Record<string, unknown>): void;
  /** Something that needs a person (a dead letter could not be written). */
  error(message: string, fields: Record<string, unknown>): void;
}

/** A {@link BusLogger} writing through Nest's `Logger` with the structured fields as JSON. */
export function nestBusLogger(context: string): BusLogger {
  const logger = new Logger(context);
  const line = (message: string, fields: Record<string, unknown>) => `${message} ${JSON.stringify(fields, errorReplacer)}`;
  return {
    warn: (message, fields) => logger.warn(line(message, fields)),
    error: (message, fields) => logger.error(line(message, fields)),
  };
}

function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
