import { withCatalog, type CatalogAccessOptions } from './catalog-access';

/** Formats rows as an aligned text table. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** `saber status <run-id>`: the run and its steps from the catalog; exit 1 when unknown. */
export async function statusCommand(runId: string, opts: CatalogAccessOptions & { json?: boolean }): Promise<number> {
  return withCatalog(opts, async (q) => {
    const run = await q.getRun(runId);
    if (!run) {
      process.stderr.write(`no run "${runId}" in the catalog\n`);
      return 1;
    }
    const steps = await q.getSteps(runId);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ run, steps }, null, 2) + '\n');
      return 0;
    }
    const r = run as unknown as Record<string, unknown>;
    const wf = (run.workflow as unknown as { name?: string } | null)?.name ?? '';
    process.stdout.write(`run ${runId}: ${String(r.status)}${wf ? ` (workflow ${wf})` : ''}\n`);
    for (const key of ['reason', 'message', 'failedStep']) if (r[key]) process.stdout.write(`  ${key}: ${String(r[key])}\n`);
    const rows = steps.map((s) => {
      const x = s as unknown as Record<string, unknown>;
      return [String(x.stepId), String(x.status), `${x.tasksCompleted ?? 0}/${x.tasks ?? 0}`, String(x.attempts ?? 0), Number(x.costSeconds ?? 0).toFixed(3)];
    });
    process.stdout.write(table(['step', 'status', 'tasks done', 'attempts', 'cost (s)'], rows));
    return 0;
  });
}
