import { BadRequestException, Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import type { TaskAttempt } from '../attempts/task-attempt.entity';
import { CatalogQueryService, InvalidQueryError, type ListRunsQuery } from '../query/catalog-query.service';
import type { Step } from '../steps/step.entity';
import type { Run } from './run.entity';
import type { RunStatus } from './run-status';

/** Runs, their steps and task attempts. */
@Controller('runs')
export class RunsController {
  constructor(private readonly catalog: CatalogQueryService) {}

  /** `GET /runs?status=&limit=`: most recently recorded runs first. 400 for a bad status or limit. */
  @Get()
  async list(@Query('status') status?: string, @Query('limit') limit?: string): Promise<{ runs: Run[] }> {
    const query: ListRunsQuery = { status: status as RunStatus | undefined };
    if (limit !== undefined) query.limit = /^\d+$/.test(limit) ? Number(limit) : Number.NaN;
    try {
      return { runs: await this.catalog.listRuns(query) };
    } catch (error) {
      if (error instanceof InvalidQueryError) throw new BadRequestException({ error: 'invalid-query', message: error.message });
      throw error;
    }
  }

  /** `GET /runs/:id`: the run; 404 naming the id when unknown. */
  @Get(':id')
  async get(@Param('id') id: string): Promise<Run> {
    return (await this.catalog.getRun(id)) ?? notFound(id);
  }

  /** `GET /runs/:id/steps`. */
  @Get(':id/steps')
  async steps(@Param('id') id: string): Promise<{ runId: string; steps: Step[] }> {
    await this.get(id);
    return { runId: id, steps: await this.catalog.getSteps(id) };
  }

  /** `GET /runs/:id/attempts`. */
  @Get(':id/attempts')
  async attempts(@Param('id') id: string): Promise<{ runId: string; attempts: TaskAttempt[] }> {
    await this.get(id);
    return { runId: id, attempts: await this.catalog.getAttempts(id) };
  }
}

function notFound(runId: string): never {
  throw new NotFoundException({ error: 'run-not-found', message: `run "${runId}" not found`, runId });
}
