import { IMAGING_KERNEL_KINDS, useImagingKernels, type ImagingKernelKind } from '@saber/imaging';
// The names only: the package's index also loads the services' validated config (zod), about
// 0.2 s at every tool start.
import { ENV } from '@saber/config/dist/env';
import { ToolError, ToolUsageError } from './tool-errors';

/** Where a tool writes: `out` for results and `name: value` metric lines, `err` for diagnostics. */
export interface ToolIo {
  out(line: string): void;
  err(line: string): void;
}

/** The process's stdout and stderr. */
export const PROCESS_IO: ToolIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Prints one metric as a `name: value` line, the format the CWL engine's `score_format` and
 * `parse_metrics` hints read. Numbers are printed with up to 6 significant decimals.
 */
export function printMetric(io: ToolIo, name: string, value: number): void {
  const text = Number.isInteger(value) ? String(value) : Number.isFinite(value) ? String(Number(value.toPrecision(6))) : String(value);
  io.out(`${name}: ${text}`);
}

/** Picks `@saber/imaging`'s loops from `SABER_IMAGING_KERNELS` (unset or empty: `auto`). */
function selectKernels(value: string | undefined): void {
  if (value === undefined || value === '') return void useImagingKernels('auto');
  if (!IMAGING_KERNEL_KINDS.includes(value as ImagingKernelKind)) {
    throw new ToolUsageError(`${ENV.SABER_IMAGING_KERNELS} must be one of ${IMAGING_KERNEL_KINDS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  useImagingKernels(value as ImagingKernelKind);
}

/**
 * Runs a tool's main function, with the imaging loops `SABER_IMAGING_KERNELS` names, and turns
 * its outcome into an exit status: 0 on success, the error's `exitCode` for a {@link ToolError}
 * (its message on stderr as `error: ...`), 1 for anything else (with the stack, since that is a
 * bug).
 */
export async function runTool(main: (argv: string[], io: ToolIo) => Promise<void>, argv: string[], io: ToolIo = PROCESS_IO): Promise<number> {
  try {
    selectKernels(process.env[ENV.SABER_IMAGING_KERNELS]);
    await main(argv, io);
    return 0;
  } catch (e) {
    if (e instanceof ToolError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    const err = e as Error & { code?: string; exitCode?: number };
    // commander's exitOverride: help and version are not failures.
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return 0;
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) return 2;
    if (err.name?.startsWith('Volume') || err.name?.startsWith('Imaging')) {
      io.err(`error: ${err.message}`);
      return 1;
    }
    io.err(`error: ${err.stack ?? String(e)}`);
    return 1;
  }
}
