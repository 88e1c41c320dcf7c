import { readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A scratch area for one attempt. */
export interface Scratch {
  /** The tool's `runtime.tmpdir`: empty when handed out. */
  tmpdir: string;
  /**
   * Where the stdout and stderr that a tool does not capture itself go
   * (`stdout.txt`, `stderr.txt`). Kept from one attempt to the next: each start
   * truncates them.
   */
  logdir: string;
}

/**
 * Scratch areas reused from one attempt to the next: emptied after each attempt
 * instead of created and removed. Creating and removing files and directories are
 * the most expensive file-system calls of a small task on many disks: on ext4
 * mounted with `discard`, a removed directory's block is trimmed synchronously
 * (about 4 ms), and without a journal every file created scans past the inodes
 * removed in the last minutes. So the log files stay (truncated at each start),
 * and only what a tool left in its tmpdir is removed.
 */
export class ScratchPool {
  private readonly free: Scratch[] = [];
  /** Root directory of every scratch area handed out. */
  private readonly all = new Map<Scratch, string>();

  /** @param parent directory the scratch directories are made in (the OS temp dir by default) */
  constructor(private readonly parent: string) {}

  /** An empty scratch area, for one attempt. */
  async acquire(): Promise<Scratch> {
    const reused = this.free.pop();
    if (reused) return reused;
    const root = await mkdtemp(join(this.parent, 'saber-task-'));
    const scratch = { tmpdir: join(root, 'tmp'), logdir: root };
    await mkdir(scratch.tmpdir);
    this.all.set(scratch, root);
    return scratch;
  }

  /** Empties the tmpdir of `scratch` and keeps it for the next attempt (removes it when it cannot be emptied). */
  async release(scratch: Scratch): Promise<void> {
    try {
      // Most tools leave nothing: one synchronous readdir (cheap) finds that out.
      for (const name of readdirSync(scratch.tmpdir)) await rm(join(scratch.tmpdir, name), { recursive: true, force: true });
      this.free.push(scratch);
    } catch {
      const root = this.all.get(scratch);
      this.all.delete(scratch);
      if (root) await rm(root, { recursive: true, force: true });
    }
  }

  /** Removes every scratch directory (at shutdown). */
  close(): void {
    for (const root of this.all.values()) rmSync(root, { recursive: true, force: true });
    this.all.clear();
    this.free.length = 0;
  }
}
