import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Bus } from '@saber/bus';
import type { SaberConfig } from '@saber/config';
import { EventPublisher } from './event-publisher';
import { BUS, SABER_CONFIG } from './tokens';

/** Injection token of the service's name (`planner`, `executor`, ... or `embedded`). */
export const SERVICE_NAME = Symbol.for('saber.service-name');

/** Options of {@link RuntimeModule.forRoot}. */
export interface RuntimeOptions {
  service: string;
  config: SaberConfig;
  bus: Bus;
}

/** Provides the bus, the compiled configuration and the event publisher to every module. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(options: RuntimeOptions): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [
        { provide: BUS, useValue: options.bus },
        { provide: SABER_CONFIG, useValue: options.config },
        { provide: SERVICE_NAME, useValue: options.service },
        EventPublisher,
      ],
      exports: [BUS, SABER_CONFIG, SERVICE_NAME, EventPublisher],
    };
  }
}
