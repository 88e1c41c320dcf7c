import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isEmbeddedCatalog } from '../database/catalog-data-source';
import { CATALOG_DATA_SOURCE } from '../database/catalog-options';

/** Milliseconds the readiness probe waits for the database. */
export const READINESS_TIMEOUT_MS = 2000;

/** Liveness and readiness probes. */
@Controller('health')
export class HealthController {
  constructor(@InjectDataSource(CATALOG_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** Liveness: the process serves HTTP. */
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: one database round trip within {@link READINESS_TIMEOUT_MS}; 503 otherwise. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; database: 'postgres' | 'pglite' }> {
    const database = isEmbeddedCatalog(this.dataSource) ? 'pglite' : 'postgres';
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!this.dataSource.isInitialized) throw new Error('catalog database is closed');
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
        }),
      ]);
      return { status: 'ok', database };
    } catch (error) {
      throw new ServiceUnavailableException({
        status: 'unavailable',
        database,
        message: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
