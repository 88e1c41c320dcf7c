import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir as osTmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CwlExecutionError } from '../errors/cwl-errors';
import type { CwlProcess } from '../model/cwl.types';
import { runCommandLineTool } from '../tool/run-command-line-tool';
import { runExpressionTool } from '../tool/run-expression-tool';
import { completeTask, failTask } from '../workflow/complete-task';
import { createWorkflowState } from '../workflow/create-workflow-state';
import { readyTasks } from '../workflow/ready-tasks';
import { failedReason, workflowOutputs } from '../workflow/workflow-outputs';
import type { TaskSpec } from '../workflow/workflow-state.types';
import { relocateOutputs } from './relocate-outputs';

/** Options of {@link runWorkflowLocally}. */
export interface LocalRunOptions {
  /** Where final output files are placed (created if missing). */
  outdir: string;
  /** Maximum tasks running at once (default 1). */
  parallelism?: number;
  /** Scratch root for task directories (default: the OS temp dir); removed afterwards. */
  tmpdir?: string;
  /** Run id used in task ids (default `local`). */
  runId?: string;
  /** Time limit of one JavaScript expression in ms (default 1000). */
  expressionTimeoutMs?: number;
  /** Called with every warning of every task (e.g. DockerRequirement ignored). */
  onWarning?: (taskId: string, warning: string) => void;
}

/**
 * Runs a process (workflow or tool) on this machine by driving the workflow
 * state machine with in-process tool runs, and returns the outputs with their
 * files moved into `outdir`.
 *
 * @throws CwlInputError for bad inputs; CwlExecutionError naming the failed step,
 *   its exit status and the tail of its stderr when a task fails
 */
export async function runWorkflowLocally(process: CwlProcess, inputs: Record<string, unknown>, options: LocalRunOptions): Promise<Record<string, unknown>> {
  const outdir = resolve(options.outdir);
  const scratch = await mkdtemp(join(options.tmpdir ?? osTmpdir(), 'saber-cwl-'));
  const parallelism = Math.max(1, options.parallelism ?? 1);
  const state = createWorkflowState(process, inputs, options.runId ?? 'local');
  const queue: TaskSpec[] = [];
  const running = new Set<Promise<void>>();
  let counter = 0;
  try {
    for (;;) {
      const ready = await readyTasks(state, { expressionTimeoutMs: options.expressionTimeoutMs });
      queue.push(...ready.tasks);
      if (state.status !== 'running') break;
      while (running.size < parallelism && queue.length > 0) {
        const task = queue.shift() as TaskSpec;
        const dir = join(scratch, `t${counter++}`);
        const p: Promise<void> = runTask(task, dir, options)
          .then(
            (outputs) => void completeTask(state, task.taskId, outputs),
            (err: unknown) => void failTask(state, task.taskId, err instanceof Error ? err : String(err)),
          )
          .finally(() => running.delete(p));
        running.add(p);
      }
      if (running.size === 0) break;
      await Promise.race(running);
    }
    await Promise.all(running);
    if (state.status === 'failed') throw new CwlExecutionError(failedReason(state) ?? 'workflow failed');
    const outputs = workflowOutputs(state);
    if (!outputs) throw new CwlExecutionError('workflow did not finish: some steps never became ready');
    return (await relocateOutputs(outputs, outdir, scratch)) as Record<string, unknown>;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function runTask(task: TaskSpec, dir: string, options: LocalRunOptions): Promise<Record<string, unknown>> {
  if (task.tool.class === 'ExpressionTool') return runExpressionTool(task.tool, task.inputs, { expressionTimeoutMs: options.expressionTimeoutMs });
  const result = await runCommandLineTool(task.tool, task.inputs, { outdir: join(dir, 'out'), tmpdir: join(dir, 'tmp'), expressionTimeoutMs: options.expressionTimeoutMs });
  for (const w of result.warnings) options.onWarning?.(task.taskId, w);
  if (result.status === 'success') return result.outputs;
  const stderr = await readFile(result.stderrPath, 'utf8').catch(() => '');
  const tail = stderr.split('\n').slice(-20).join('\n').trim();
  throw new CwlExecutionError(`${result.status} (exit code ${result.exitCode})${tail ? `; stderr tail:\n${tail}` : ''}`);
}
