import type { DataSource } from 'typeorm';

/** Every catalog table, children first (TRUNCATE order does not matter with CASCADE). */
export const CATALOG_TABLES = ['metrics', 'outputs', 'task_attempts', 'steps', 'runs', 'workflows', 'events'];

/** Empties every catalog table and restarts the id sequences. */
export async function resetCatalog(dataSource: DataSource): Promise<void> {
  await dataSource.query(`TRUNCATE ${CATALOG_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * The projection (every table but `events`) without surrogate ids and catalog
 * clock columns, rows in a fixed order: equal snapshots mean equal recorded facts.
 */
export async function projectionSnapshot(dataSource: DataSource): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => dataSource.query(sql) as Promise<Record<string, unknown>[]>;
  return {
    workflows: await q(`SELECT content_hash, name, uri, document FROM workflows ORDER BY content_hash`),
    runs: (await q(`SELECT r.*, w.content_hash FROM runs r LEFT JOIN workflows w ON w.id = r.workflow_id ORDER BY r.id`)).map(
      ({ workflow_id: _w, recorded_at: _r, updated_at: _u, ...rest }) => rest,
    ),
    steps: (await q(`SELECT * FROM steps ORDER BY run_id, step_id`)).map(({ updated_at: _u, ...rest }) => rest),
    task_attempts: (await q(`SELECT * FROM task_attempts ORDER BY task_id, attempt`)).map(
      ({ id: _i, ready_at: _r, ...rest }) => rest,
    ),
    outputs: (await q(`SELECT run_id, kind, name, value, uri FROM outputs ORDER BY run_id, kind, name, uri`)),
    metrics: (await q(`SELECT * FROM metrics ORDER BY run_id, step_id, task_id, name`)).map(({ id: _i, ...rest }) => rest),
  };
}

/** Row counts of every catalog table. */
export async function tableCounts(dataSource: DataSource): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of CATALOG_TABLES) {
    const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
    counts[table] = row!.n;
  }
  return counts;
}
