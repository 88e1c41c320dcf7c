import { Inject, Injectable, Logger, Optional, type OnModuleDestroy } from '@nestjs/common';
import type { SaberConfig } from '@saber/config';
import type { StepTask } from '@saber/contracts';
import { createProcessLauncher, runCommandLineTool, runExpressionTool, type CwlTool, type RunToolOptions } from '@saber/cwl';
import { open } from 'node:fs/promises';
import { SABER_CONFIG } from '@saber/runtime';
import type { ExecutionBackend, ExecutionContext, ExecutionResult } from './execution-backend';

/** Exit code reported for a process ended by a signal (as shells do for SIGKILL). */
export const SIGNAL_EXIT = 137;

/** Bytes of stderr kept in events and failure messages. */
export const STDERR_TAIL_BYTES = 4096;

/** Last `bytes` of a file, decoded as UTF-8 ('' when it does not exist). */
export async function tailOf(path: string | undefined, bytes = STDERR_TAIL_BYTES): Promise<string> {
  if (!path) return '';
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const len = Math.min(size, bytes);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, size - len);
    return buf.toString('utf8');
  } finally {
    await fh.close();
  }
}

/** `launch`, calling `ended` once a launch settles (the process ended, or could not start). */
function endNotifying<R, O>(launch: (request: R) => Promise<O>, ended: () => void): (request: R) => Promise<O> {
  return (request) => launch(request).finally(ended);
}

/**
 * Runs tools as local processes (like `cwltool --no-container`): a fresh working
 * directory per attempt, stdout/stderr captured to files, exit code, CWL output
 * collection. A DockerRequirement is honoured by the Docker backend; here the tool
 * runs on the host and a warning says so.
 */
@Injectable()
export class LocalProcessBackend implements ExecutionBackend, OnModuleDestroy {
  readonly name = 'local';
  private readonly log = new Logger('executor.local');
  /**
   * Tools are spawned from a small helper process (SABER_PROCESS_LAUNCHER): the
   * posix_spawn helper, or the Node fork server; fork() from this process would cost
   * time that grows with its memory.
   */
  private readonly launcher;
  /** Warnings already logged, by text: a sweep of 1,000 blocks says "DockerRequirement ignored" once, not 4,000 times. */
  private readonly warned = new Set<string>();

  /** Logs a tool warning the first time its text appears in this process (the task result still carries every one). */
  private warnOnce(taskId: string, warning: string): void {
    if (this.warned.has(warning)) return;
    if (this.warned.size < 1000) this.warned.add(warning);
    this.log.warn(`${taskId}: ${warning} (said once per executor process)`);
  }

  constructor(@Optional() @Inject(SABER_CONFIG) config?: Pick<SaberConfig, 'processLauncher'>) {
    this.launcher = createProcessLauncher(config?.processLauncher ?? 'auto');
  }

  async onModuleDestroy(): Promise<void> {
    await this.launcher.close();
  }

  async run(task: StepTask, context: ExecutionContext): Promise<ExecutionResult> {
    return this.runWith(task, context, {});
  }

  /**
   * Runs the task with extra {@link runCommandLineTool} options: the Docker backend
   * adds `container`, so tools with a DockerRequirement run in containers and the
   * others still here.
   */
  async runWith(task: StepTask, context: ExecutionContext, extra: Pick<RunToolOptions, 'container'>): Promise<ExecutionResult> {
    const tool = task.tool as unknown as CwlTool;
    const started = performance.now();
    if (tool.class === 'ExpressionTool') {
      // The expression runs synchronously (QuickJS): yield to the event loop first, so
      // that a batch of them cannot starve the heartbeats that keep its message alive.
      await new Promise((resolve) => setImmediate(resolve));
      const outputs = await runExpressionTool(tool, task.inputs);
      return { outputs, exitCode: 0, status: 'success', costSeconds: (performance.now() - started) / 1000, peakMemoryBytes: 0, stderrTail: '', metrics: {}, warnings: [] };
    }
    if (tool.class !== 'CommandLineTool') throw new Error(`cannot execute a process of class ${String((tool as { class?: unknown }).class)}`);
    const options: RunToolOptions = {
      outdir: context.outdir, tmpdir: context.tmpdir, logDir: context.logdir, createDirs: !context.dirsReady, signal: context.signal, launcher: this.launcher, ...extra,
    };
    const ended = context.toolEnded;
    if (ended) {
      // The slot is given back as soon as the process ends; outputs are collected after.
      const local = this.launcher;
      options.launcher = { launch: endNotifying((request) => local.launch(request), ended), close: () => local.close() };
      const box = options.container;
      if (box) options.container = { ...box, launcher: { launch: endNotifying((request) => box.launcher.launch(request), ended) } };
    }
    const r = await runCommandLineTool(tool, task.inputs, options);
    for (const w of r.warnings ?? []) this.warnOnce(task.taskId, w);
    return {
      outputs: r.outputs,
      exitCode: r.exitCode ?? SIGNAL_EXIT,
      status: r.status,
      costSeconds: r.durationMs / 1000,
      peakMemoryBytes: r.peakMemoryBytes ?? 0,
      // Read only for a failure: events of successful steps carry no stderr.
      stderrTail: r.status === 'success' ? '' : await tailOf(r.stderrPath),
      metrics: r.metrics ?? {},
      warnings: r.warnings ?? [],
      ...(r.imageDigest !== undefined ? { imageDigest: r.imageDigest } : {}),
    };
  }
}
