import type { TaskSpec } from '@saber/cwl';

/**
 * A scatter is spread over at least this many messages (when it has as many
 * elements), so that executors of a pool share even a small scatter.
 */
export const DISPATCH_SPREAD = 16;

/** Tasks that go out as one message: one task, or elements of one scatter step. */
export interface TaskGroup {
  pool: string;
  specs: TaskSpec[];
}

/**
 * Elements per message for a scatter of `n` elements with at most `maxBatch` per
 * message: as few messages as `maxBatch` allows, but at least
 * min(n, {@link DISPATCH_SPREAD}), with the elements spread evenly.
 */
export function elementsPerMessage(n: number, maxBatch: number): number {
  if (maxBatch <= 1 || n <= 1) return 1;
  const messages = Math.max(Math.ceil(n / maxBatch), Math.min(n, DISPATCH_SPREAD));
  return Math.ceil(n / messages);
}

/**
 * Groups ready tasks into messages. Tasks of one step in one pool that share their
 * tool and hints (the elements of a scatter) are cut into batches of
 * {@link elementsPerMessage}; everything else goes alone. The order is
 * deterministic for a given input, so a replayed dispatch yields the same batches
 * (and the same dedupe ids).
 */
export function groupTasks(tasks: Array<{ pool: string; spec: TaskSpec }>, maxBatch: number): TaskGroup[] {
  const byKey = new Map<string, TaskGroup>();
  const order: TaskGroup[] = [];
  for (const t of tasks) {
    const key = `${t.pool}\u0000${t.spec.stepId}\u0000${toolKey(t.spec.tool)}\u0000${JSON.stringify(t.spec.hints ?? {})}`;
    let g = byKey.get(key);
    if (!g) {
      g = { pool: t.pool, specs: [] };
      byKey.set(key, g);
      order.push(g);
    }
    g.specs.push(t.spec);
  }
  const out: TaskGroup[] = [];
  for (const g of order) {
    const per = elementsPerMessage(g.specs.length, maxBatch);
    for (let i = 0; i < g.specs.length; i += per) out.push({ pool: g.pool, specs: g.specs.slice(i, i + per) });
  }
  return out;
}

/** Identity of a tool object: the elements of one scatter share theirs. */
const toolIds = new WeakMap<object, number>();
let nextToolId = 0;

function toolKey(tool: object): number {
  let id = toolIds.get(tool);
  if (id === undefined) toolIds.set(tool, (id = nextToolId++));
  return id;
}
