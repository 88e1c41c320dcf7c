import { writeFile } from 'node:fs/promises';
import { withCatalog, type CatalogAccessOptions } from './catalog-access';

/**
 * `saber collect <run-id|workflow> --csv FILE`: one row per run × step (parameters,
 * attempts, cost in seconds, score, status), like the original `conduit collect`.
 * A run id selects that run; anything else is a workflow name or content hash.
 */
export async function collectCommand(target: string, opts: CatalogAccessOptions & { csv: string }): Promise<number> {
  return withCatalog(opts, async (q) => {
    const byRun = await q.getRun(target);
    const rows = await q.collect(byRun ? { runId: target } : { workflow: target });
    if (rows.length === 0) {
      process.stderr.write(`no run or workflow "${target}" in the catalog\n`);
      return 1;
    }
    const { toCsv } = await import('@saber/catalog');
    await writeFile(opts.csv, toCsv(rows));
    process.stderr.write(`${rows.length} rows written to ${opts.csv}\n`);
    return 0;
  });
}
