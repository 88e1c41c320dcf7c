import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** What to start and where its standard streams go. */
export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  stdinPath?: string;
  stdoutPath: string;
  stderrPath: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** How the process ended. */
export interface SpawnOutcome {
  exitCode: number | null;
  killed: boolean;
  durationMs: number;
  peakMemoryBytes?: number;
}

/**
 * Runs a process in its own process group with stdio redirected to files; kills
 * the whole group on abort or timeout. Resolves when the process exits.
 * Rejects only when the process cannot be started (e.g. command not found).
 */
export function spawnProcess(req: SpawnRequest): Promise<SpawnOutcome> {
  const fds: number[] = [];
  try {
    if (req.stdinPath) fds.push(openSync(req.stdinPath, 'r'));
    fds.push(openSync(req.stdoutPath, 'w'), openSync(req.stderrPath, 'w'));
  } catch (e) {
    // A rejection, never a throw: the fork server would die of it.
    for (const fd of fds) closeSync(fd);
    return Promise.reject(e as Error);
  }
  const stdin = req.stdinPath ? fds[0] : 'ignore';
  const [stdout, stderr] = fds.slice(-2);
  const started = Date.now();
  return new Promise<SpawnOutcome>((resolve, reject) => {
    const child = spawn(req.argv[0], req.argv.slice(1), { cwd: req.cwd, env: req.env, stdio: [stdin, stdout, stderr], detached: true });
    let killed = false;
    let peak: number | undefined;
    const kill = (): void => {
      killed = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = req.timeoutMs ? setTimeout(kill, req.timeoutMs) : undefined;
    const sampler = setInterval(() => (peak = Math.max(peak ?? 0, sampleHighWater(child.pid) ?? 0) || peak), 200);
    if (req.signal?.aborted) kill();
    req.signal?.addEventListener('abort', kill, { once: true });
    const finish = (): void => {
      clearTimeout(timer);
      clearInterval(sampler);
      req.signal?.removeEventListener('abort', kill);
      for (const fd of [stdin, stdout, stderr]) if (typeof fd === 'number') closeSync(fd);
    };
    child.once('error', (err) => {
      finish();
      reject(err);
    });
    // No last sample at exit: the process is already reaped by then (its /proc entry
    // is gone, or belongs to another process).
    child.once('exit', (code) => {
      finish();
      resolve({ exitCode: code, killed, durationMs: Date.now() - started, peakMemoryBytes: peak || undefined });
    });
  });
}

/** VmHWM (peak resident set) of a live Linux process in bytes. */
function sampleHighWater(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
