import { Controller, Get, Header, Query } from '@nestjs/common';
import { CatalogQueryService } from '../query/catalog-query.service';
import { toCsv } from './csv';

/** `saber collect` over HTTP. */
@Controller('collect')
export class CollectController {
  constructor(private readonly catalog: CatalogQueryService) {}

  /** `GET /collect?run=&workflow=`: the run × step table as CSV (every run when no filter is given). */
  @Get()
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async collect(@Query('run') run?: string, @Query('workflow') workflow?: string): Promise<string> {
    return toCsv(await this.catalog.collect({ runId: run || undefined, workflow: workflow || undefined }));
  }
}
