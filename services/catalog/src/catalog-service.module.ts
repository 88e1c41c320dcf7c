import { Module, type DynamicModule } from '@nestjs/common';
import { CatalogModule, type CatalogModuleOptions } from './catalog.module';
import { CatalogEventsController } from './catalog-events.controller';

/** The catalog as a SABER service: the database module plus its bus consumer. */
@Module({})
export class CatalogServiceModule {
  static forRoot(options: CatalogModuleOptions): DynamicModule {
    return {
      module: CatalogServiceModule,
      imports: [CatalogModule.forRoot(options)],
      controllers: [CatalogEventsController],
    };
  }
}
