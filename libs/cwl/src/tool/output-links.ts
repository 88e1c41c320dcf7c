import { realpath } from 'node:fs/promises';
import { relative } from 'node:path';
import { CwlExecutionError } from '../errors/cwl-errors';
import type { CommandLineTool } from '../model/cwl.types';
import { isRecord } from '../util/json';
import { findRequirement } from './requirements';
import { locationToPath } from './stage-inputs';

/**
 * Guards output collection against symbolic links out of the output directory:
 * a globbed path may resolve outside `outdir` only into a File or Directory the
 * job was given (its inputs, and File/Directory objects written in its
 * InitialWorkDirRequirement listing), never to other files of the host (CWL
 * conformance `illegal_symlink`: `ln -s /tmp/x out` must not be collected).
 */
export class OutputLinkGuard {
  private outdirReal?: Promise<string>;
  private allowed?: Promise<string[]>;

  /**
   * @param outdir the tool's output directory (host path)
   * @param tool the tool, for the File/Directory objects of its InitialWorkDir listing
   * @param inputs the staged inputs (host paths)
   */
  constructor(private readonly outdir: string, private readonly tool: CommandLineTool, private readonly inputs: Record<string, unknown>) {}

  /**
   * @throws CwlExecutionError naming the output when `path` resolves outside the output
   *   directory and outside every input; a path that does not resolve passes (its own
   *   stat reports it)
   */
  async check(path: string, output: string): Promise<void> {
    const target = await realpath(path).catch(() => undefined);
    if (target === undefined) return;
    this.outdirReal ??= realpath(this.outdir).catch(() => this.outdir);
    if (within(target, await this.outdirReal)) return;
    this.allowed ??= Promise.all(this.sources().map((p) => realpath(p).catch(() => p)));
    if ((await this.allowed).some((root) => within(target, root))) return;
    throw new CwlExecutionError(
      `output '${output}': '${relative(this.outdir, path)}' is a symbolic link to ${target}, outside the output directory; only files the tool wrote there or was given as inputs may be collected`,
    );
  }

  private sources(): string[] {
    const out: string[] = [];
    collectPaths(this.inputs, out);
    collectPaths(findRequirement(this.tool, 'InitialWorkDirRequirement')?.listing, out);
    return out;
  }
}

function within(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Host paths of every File/Directory object in `value` (with secondary files and listings). */
function collectPaths(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collectPaths(v, out);
    return;
  }
  if (!isRecord(value)) return;
  if (value.class === 'File' || value.class === 'Directory') {
    const path = typeof value.path === 'string' ? value.path : typeof value.location === 'string' && value.location.startsWith('file:') ? locationToPath(value.location) : undefined;
    if (path !== undefined) out.push(path);
    collectPaths(value.secondaryFiles, out);
    collectPaths(value.listing, out);
    return;
  }
  for (const v of Object.values(value)) collectPaths(v, out);
}
