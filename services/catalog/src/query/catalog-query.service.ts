import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { TaskAttempt } from '../attempts/task-attempt.entity';
import { type CollectQuery, type CollectRow, flattenParameters } from '../collect/collect-row';
import { CATALOG_DATA_SOURCE } from '../database/catalog-options';
import { isRunStatus, RUN_STATUSES, type RunStatus } from '../runs/run-status';
import { Run } from '../runs/run.entity';
import { Step } from '../steps/step.entity';
import type { StepStatus } from '../steps/step-status';

/** Runs returned by {@link CatalogQueryService.listRuns} when no limit is given. */
export const DEFAULT_RUN_LIST_LIMIT = 50;
/** Most runs one {@link CatalogQueryService.listRuns} call returns. */
export const MAX_RUN_LIST_LIMIT = 1000;

/** Filter of {@link CatalogQueryService.listRuns}. */
export interface ListRunsQuery {
  /** Only runs in this status. */
  status?: RunStatus;
  /** At most this many runs, 1 to {@link MAX_RUN_LIST_LIMIT}; default {@link DEFAULT_RUN_LIST_LIMIT}. */
  limit?: number;
}

/** A query argument out of range. */
export class InvalidQueryError extends Error {
  override readonly name = 'InvalidQueryError';
}

interface CollectSqlRow {
  run_id: string;
  workflow: string | null;
  inputs: Record<string, unknown> | null;
  step_id: string;
  attempts: number;
  cost_seconds: number;
  score: number | null;
  status: StepStatus;
}

/**
 * Reads the catalog: runs, their steps and task attempts, and the run × step
 * table of `saber collect`. Usable without Nest: `new CatalogQueryService(dataSource)`.
 */
@Injectable()
export class CatalogQueryService {
  constructor(@InjectDataSource(CATALOG_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /** The run with its workflow, or null when no such run was recorded. */
  getRun(runId: string): Promise<Run | null> {
    return this.dataSource.getRepository(Run).findOne({ where: { id: runId }, relations: { workflow: true } });
  }

  /**
   * Runs with their workflows, most recently recorded first.
   * Rejects with InvalidQueryError for an unknown status or a limit out of range.
   */
  async listRuns(query: ListRunsQuery = {}): Promise<Run[]> {
    const limit = query.limit ?? DEFAULT_RUN_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_LIST_LIMIT) {
      throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_RUN_LIST_LIMIT}, got ${limit}`);
    }
    if (query.status !== undefined && !isRunStatus(query.status)) {
      throw new InvalidQueryError(`status must be one of ${RUN_STATUSES.join(', ')}, got "${String(query.status)}"`);
    }
    return this.dataSource.getRepository(Run).find({
      where: query.status ? { status: query.status } : {},
      relations: { workflow: true },
      order: { recordedAt: 'DESC', id: 'ASC' },
      take: limit,
    });
  }

  /** Steps of the run in plan order (unplanned steps last, by id); [] for an unknown run. */
  getSteps(runId: string): Promise<Step[]> {
    return this.dataSource.getRepository(Step).find({
      where: { runId },
      order: { position: { direction: 'ASC', nulls: 'LAST' }, stepId: 'ASC' },
    });
  }

  /** Task attempts of the run by step, task and attempt; [] for an unknown run. */
  getAttempts(runId: string): Promise<TaskAttempt[]> {
    return this.dataSource.getRepository(TaskAttempt).find({
      where: { runId },
      order: { stepId: 'ASC', taskId: 'ASC', attempt: 'ASC' },
    });
  }

  /**
   * One row per run × step (runs by acceptance time, steps in plan order) for
   * the selected runs: every run when the query is empty. Write it with toCsv.
   */
  async collect(query: CollectQuery = {}): Promise<CollectRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT r.id AS run_id, w.name AS workflow, r.inputs, s.step_id, s.attempts, s.cost_seconds::float8 AS cost_seconds,
              s.status,
              COALESCE(
                (SELECT m.value FROM metrics m
                 WHERE m.run_id = s.run_id AND m.step_id = s.step_id AND m.name = 'score'
                 ORDER BY m.recorded_at DESC, m.id DESC LIMIT 1),
                (SELECT m.value FROM metrics m
                 WHERE m.run_id = s.run_id AND m.step_id IS NULL AND m.task_id IS NULL AND m.name = s.step_id || '.score')
              )::float8 AS score
       FROM steps s
       JOIN runs r ON r.id = s.run_id
       LEFT JOIN workflows w ON w.id = r.workflow_id
       WHERE ($1::text IS NULL OR r.id = $1::text)
         AND ($2::text IS NULL OR w.name = $2::text OR w.content_hash = $2::text)
       ORDER BY r.accepted_at NULLS LAST, r.id, s.position NULLS LAST, s.step_id`,
      [query.runId ?? null, query.workflow ?? null],
    )) as CollectSqlRow[];
    return rows.map((row) => ({
      runId: row.run_id,
      workflow: row.workflow ?? '',
      step: row.step_id,
      parameters: flattenParameters(row.inputs),
      attempts: Number(row.attempts),
      costSeconds: Number(row.cost_seconds),
      score: row.score === null ? null : Number(row.score),
      status: row.status,
    }));
  }
}
