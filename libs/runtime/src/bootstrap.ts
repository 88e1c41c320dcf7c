import 'reflect-metadata';
import { Logger, Module, type LogLevel, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusTransportStrategy } from '@saber/bus';
import { loadConfig, type SaberConfig } from '@saber/config';
import { stopTelemetry } from '@saber/telemetry';
import { createBus } from './bus.factory';
import { HealthController } from './health.controller';
import { RuntimeModule } from './runtime.module';

/** Log levels enabled at and above `level`. */
export function logLevels(level: SaberConfig['logLevel']): LogLevel[] {
  const order: LogLevel[] = ['error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, order.indexOf(level) + 1);
}

/** Options of {@link bootstrapService}. */
export interface ServiceBootstrapOptions {
  /** Service name, e.g. `planner`. */
  name: string;
  /** The service's feature module(s). */
  imports: Array<Type<unknown> | import('@nestjs/common').DynamicModule>;
  /** HTTP port when SABER_HTTP_PORT is unset. */
  defaultPort: number;
  config?: SaberConfig;
  /** Add the generic `/health` endpoint (default true; off for services that serve their own). */
  health?: boolean;
}

/**
 * Starts one SABER service in distributed mode: connects the bus (creating streams
 * idempotently), builds the Nest application with a health endpoint, binds the
 * `@BusConsumer` handlers through the bus transport strategy, listens on HTTP, and
 * closes everything on SIGTERM/SIGINT.
 */
export async function bootstrapService(options: ServiceBootstrapOptions) {
  const config = options.config ?? loadConfig();
  const bus = createBus(config, `saber-${options.name}`);
  await bus.start();

  @Module({
    imports: [RuntimeModule.forRoot({ service: options.name, config, bus }), ...options.imports],
    controllers: options.health === false ? [] : [HealthController],
  })
  class ServiceModule {}

  const app = await NestFactory.create(ServiceModule, { logger: logLevels(config.logLevel) });
  app.connectMicroservice({ strategy: new BusTransportStrategy(bus) }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  const port = config.httpPort ?? options.defaultPort;
  if (port > 0) await app.listen(port, '0.0.0.0');
  const log = new Logger(options.name);
  log.log(`saber-${options.name} started (bus: ${config.natsServers.join(',') || 'in-process'}, http: ${port || 'off'})`);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    log.log(`${signal}: shutting down`);
    await app.close();
    await bus.close();
    await stopTelemetry();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  return { app, bus, config };
}
