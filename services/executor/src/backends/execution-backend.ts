import type { StepTask } from '@saber/contracts';

/** Where and how one task attempt runs. */
export interface ExecutionContext {
  /** Fresh, empty directory for this attempt: the tool's working and output directory. */
  outdir: string;
  /** Scratch directory, emptied after the attempt. */
  tmpdir: string;
  /** True when `outdir` and `tmpdir` exist already; otherwise the backend creates them. */
  dirsReady?: boolean;
  /**
   * Where the stdout and stderr that the tool does not capture itself go (kept
   * between attempts; truncated at each start). Default: `tmpdir`.
   */
  logdir?: string;
  /** Aborted when the executor shuts down or the task must stop. */
  signal: AbortSignal;
  /**
   * Called once the tool's process (or container) has ended, before its outputs
   * are collected: the executor's slot then goes to the next task. A backend that
   * never calls it holds the slot until `run` settles.
   */
  toolEnded?: () => void;
}

/** What a backend reports for one attempt. */
export interface ExecutionResult {
  outputs: Record<string, unknown>;
  exitCode: number;
  /** Wall-clock seconds of the tool itself. */
  costSeconds: number;
  /** Peak resident memory of the tool, bytes; 0 when unknown. */
  peakMemoryBytes: number;
  /** Last lines of stderr (at most 4 KiB); empty for a success (only failures report it). */
  stderrTail: string;
  metrics: Record<string, number>;
  warnings: string[];
  /**
   * The CWL verdict: `success`, `permanentFail` (permanentFailCodes or any other
   * non-success code), `temporaryFail` (temporaryFailCodes) or `killed` (by a
   * signal: time limit, abort, or the OOM killer).
   */
  status: 'success' | 'permanentFail' | 'temporaryFail' | 'killed';
  /**
   * Content digest (`sha256:...`, the engine's image id) of the container image the
   * tool ran in; absent for tools run as local processes. Part of what a cached
   * result depends on.
   */
  imageDigest?: string;
}

/**
 * An executor backend: local processes, Docker containers, AWS Batch (later).
 * A backend runs one attempt and reports; classifying failures and publishing
 * results is the executor's job.
 */
export interface ExecutionBackend {
  readonly name: string;
  run(task: StepTask, context: ExecutionContext): Promise<ExecutionResult>;
  /**
   * The content digest of the container image the task would run in, when the
   * backend runs it in one (part of the step cache key); undefined otherwise.
   */
  imageDigestOf?(task: StepTask): Promise<string | undefined>;
}

/** Injection token of the configured backend. */
export const EXECUTION_BACKEND = Symbol.for('saber.execution-backend');
