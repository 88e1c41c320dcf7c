import 'reflect-metadata';
import { Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BlockerModule } from '@saber/blocker';
import { BusTransportStrategy, InProcessBus, type Bus } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import { ExecutorModule } from '@saber/executor';
import { MergerModule } from '@saber/merger';
import { OptimizerModule } from '@saber/optimizer';
import { PlannerModule } from '@saber/planner';
import { RuntimeModule, StderrLogger, logLevels } from '@saber/runtime';

/** The six services in one process on the in-process bus (embedded mode). */
export interface EmbeddedSaber {
  bus: Bus;
  app: INestMicroservice;
  close(): Promise<void>;
}

/**
 * Starts all six services in this process: the same service modules as in
 * distributed mode, on an {@link InProcessBus}, with the catalog on PGlite under
 * `config.home` (or on `config.databaseUrl` when set).
 */
export interface EmbeddedOptions {
  /** Only errors on the log. */
  quiet?: boolean;
  /** Run without the catalog: nothing is recorded (throw-away runs, `cwl-runner`). Default true. */
  catalog?: boolean;
}

export async function startEmbedded(config: SaberConfig, options: EmbeddedOptions = {}): Promise<EmbeddedSaber> {
  const bus = new InProcessBus();
  await bus.start();
  // Loaded only when used: the catalog brings TypeORM and PGlite (a slower start).
  const catalog = options.catalog === false ? [] : [(await import('@saber/catalog')).EmbeddedCatalogModule.forRoot({ home: config.home })];

  @Module({
    imports: [
      RuntimeModule.forRoot({ service: 'embedded', config, bus }),
      // Embedded mode keeps its catalog in PGlite under SABER_HOME, on a worker thread.
      ...catalog,
      PlannerModule,
      ExecutorModule,
      BlockerModule,
      MergerModule,
      OptimizerModule,
    ],
  })
  class EmbeddedModule {}

  const app = await NestFactory.createMicroservice(EmbeddedModule, {
    strategy: new BusTransportStrategy(bus),
    logger: new StderrLogger(options.quiet ? ['error'] : logLevels(config.logLevel === 'log' ? 'warn' : config.logLevel)),
  });
  await app.listen();
  return {
    bus,
    app,
    async close() {
      await app.close();
      await bus.close();
    },
  };
}
