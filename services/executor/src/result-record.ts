import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StepCompleted, StepFailed } from '@saber/contracts';

/** File in a task's directory holding the final result the executor published for it. */
export const RESULT_FILE = 'result.json';

/** A published final result: the event and its dedupe id, so it can be re-published as is. */
export type RecordedResult =
  | { kind: 'completed'; msgId: string; event: StepCompleted }
  | { kind: 'failed'; msgId: string; event: StepFailed };

/**
 * Records a task's final result beside its outputs, just before it is published.
 * When a message is delivered again (its executor died after recording some results
 * but before the acknowledgement: a whole batch, or one task in the short window
 * before its ack), the executor re-publishes the recorded result with its original
 * dedupe id instead of running the tool again, so a result is never recorded twice
 * (recording first leaves no moment at which a result is out but not recorded).
 * A torn file (a crash while writing) reads as absent. Only distributed executors
 * write it: in embedded mode nothing is ever redelivered to another process.
 */
export async function recordResult(outputUri: string, result: RecordedResult): Promise<void> {
  const dir = fileURLToPath(outputUri);
  const text = JSON.stringify(result);
  try {
    writeFileSync(join(dir, RESULT_FILE), text); // small and local: see StepCache on synchronous calls
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    mkdirSync(dir, { recursive: true }); // a tool that wrote no files (an ExpressionTool)
    writeFileSync(join(dir, RESULT_FILE), text);
  }
}

/** The recorded result of the task at `outputUri`, or undefined. */
export async function recordedResult(outputUri: string): Promise<RecordedResult | undefined> {
  let text: string;
  try {
    text = await readFile(join(fileURLToPath(outputUri), RESULT_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = JSON.parse(text) as RecordedResult;
    return (r.kind === 'completed' || r.kind === 'failed') && typeof r.msgId === 'string' && r.event ? r : undefined;
  } catch {
    return undefined;
  }
}
