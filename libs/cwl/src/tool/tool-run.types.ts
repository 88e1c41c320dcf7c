import type { ProcessLauncher } from '../launcher/process-launcher';
import type { ContainerRunOptions } from './container-run';
import type { ToolMetrics } from './score-metrics';

/** Options of {@link runCommandLineTool}. */
export interface RunToolOptions {
  /** Output directory (created if missing); the tool's working directory and `runtime.outdir`. */
  outdir: string;
  /** Scratch directory (created if missing); `runtime.tmpdir` and `$TMPDIR`. */
  tmpdir: string;
  /**
   * Existing directory for the stdout and stderr that the tool does not capture
   * itself (`stdout.txt`, `stderr.txt`, truncated at the start). Default: `tmpdir`.
   * A caller that runs tools one after another can keep these files instead of
   * creating and removing them for every run.
   */
  logDir?: string;
  /**
   * Create `outdir` and `tmpdir` when missing (default true). False when the caller
   * made both (an executor prepares them before the tool's turn comes).
   */
  createDirs?: boolean;
  /** Extra environment variables (EnvVarRequirement wins over these). */
  env?: Record<string, string>;
  /** Aborting kills the tool's process group; the result has `status: 'killed'`. */
  signal?: AbortSignal;
  /** Wall-clock limit in ms; on expiry the process group is killed (`status: 'killed'`). */
  timeoutMs?: number;
  /** Time limit of one JavaScript expression in ms (default 1000). */
  expressionTimeoutMs?: number;
  /** `runtime.cores` when the tool has no ResourceRequirement saying otherwise (default: available CPUs). */
  cores?: number;
  /** `runtime.ram` in MiB when the tool has no ResourceRequirement saying otherwise (default 1024). */
  ramMiB?: number;
  /** Starts the process (default: spawn from this process; see ForkServerLauncher). */
  launcher?: ProcessLauncher;
  /**
   * Runs tools that have a DockerRequirement in a container through this launcher,
   * with container paths on the command line; other tools still run as processes.
   * Without it a DockerRequirement is ignored with a warning.
   */
  container?: ContainerRunOptions;
}

/** How a tool run ended. `success`: exit code in successCodes (default 0). */
export type ToolStatus = 'success' | 'permanentFail' | 'temporaryFail' | 'killed';

/** Result of {@link runCommandLineTool}. A failing tool is a result, not an exception. */
export interface ToolRunResult {
  /** Collected outputs (empty unless `status` is `success`). */
  outputs: Record<string, unknown>;
  /** Process exit code; `null` when killed by a signal. */
  exitCode: number | null;
  status: ToolStatus;
  /** Where stdout went, when redirected by `stdout:` or a `type: stdout` output. */
  stdoutPath?: string;
  /** Where stderr went (always captured to a file). */
  stderrPath: string;
  /** Wall-clock run time of the process in ms. */
  durationMs: number;
  /** Peak resident memory of the tool's main process in bytes (Linux, sampled every 200 ms). */
  peakMemoryBytes?: number;
  /** The command as run (argv, or `['/bin/sh', '-c', string]`). */
  command: string[];
  /** Non-fatal notes, e.g. DockerRequirement ignored (run without container). */
  warnings: string[];
  /** Metrics from the `saber` `score_format` hint (and `name: number` lines when asked). */
  metrics: ToolMetrics;
  /** Digest of the container image the tool ran in (container runs only). */
  imageDigest?: string;
}
