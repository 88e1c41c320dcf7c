import { ConsoleLogger, type LogLevel } from '@nestjs/common';

/**
 * Nest's console logger, writing every level to stderr: in the CLI, stdout carries
 * only the command's result (the output object of `saber run`).
 */
export class StderrLogger extends ConsoleLogger {
  constructor(levels: LogLevel[]) {
    super('saber', { logLevels: levels });
  }

  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}
