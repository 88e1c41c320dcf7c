import type { EntityManager } from 'typeorm';
import { json, sortedBy } from './sql-values';

/** One `events` row to append (`payload` is the raw decoded message). */
export interface EventRow {
  msg_id: string;
  subject: string;
  schema: string | null;
  payload: unknown;
  trace_id: string | null;
}

/**
 * Appends events in one statement, once per msgId (`ON CONFLICT DO NOTHING`), and
 * returns the msgIds that were new. Rows are inserted in msgId order, so concurrent
 * batches that share msgIds wait on each other in one order and cannot deadlock.
 * Pass each msgId once. A JSON `null` payload is stored as jsonb `null`.
 */
export async function appendEvents(em: EntityManager, rows: EventRow[]): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const inserted = (await em.query(
    `INSERT INTO events (msg_id, subject, schema, payload, trace_id)
     SELECT x.msg_id, x.subject, x.schema, COALESCE(x.payload, 'null'::jsonb), x.trace_id
     FROM jsonb_to_recordset($1::jsonb) AS x(msg_id text, subject text, schema text, payload jsonb, trace_id text)
     ON CONFLICT (msg_id) DO NOTHING
     RETURNING msg_id`,
    [json(sortedBy(rows, (r) => r.msg_id))],
  )) as { msg_id: string }[];
  return new Set(inserted.map((r) => r.msg_id));
}
