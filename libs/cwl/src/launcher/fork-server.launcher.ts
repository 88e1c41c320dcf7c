import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { SpawnOutcome, SpawnRequest } from '../tool/spawn-process';
import type { LauncherReply, LauncherRequest } from './launcher-protocol';
import type { ProcessLauncher } from './process-launcher';

interface Pending {
  resolve: (o: SpawnOutcome) => void;
  reject: (e: Error) => void;
  onAbort?: () => void;
  signal?: AbortSignal;
}

/** The launcher process died or could not be reached; the task may be retried. */
export class LauncherUnavailableError extends Error {
  override readonly name = 'LauncherUnavailableError';
}

/**
 * Spawns tool processes from a dedicated small Node process (started on first use,
 * restarted after a crash), so the cost of `fork()` does not grow with the memory of
 * the service that asks. Aborts are forwarded as kill requests; the server kills the
 * tool's whole process group.
 */
export class ForkServerLauncher implements ProcessLauncher {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  async launch(request: SpawnRequest): Promise<SpawnOutcome> {
    this.server();
    const id = this.nextId++;
    const { signal, ...rest } = request;
    return new Promise<SpawnOutcome>((resolve, reject) => {
      const p: Pending = { resolve, reject, signal };
      if (signal) {
        p.onAbort = () => this.send({ op: 'kill', id });
        signal.addEventListener('abort', p.onAbort, { once: true });
      }
      this.pending.set(id, p);
      this.refresh();
      this.send({ op: 'launch', id, request: rest });
      if (signal?.aborted) p.onAbort?.();
    });
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    this.failAll(new LauncherUnavailableError('process launcher closed'));
    await helperGone(child, () => {
      if (child.connected) child.disconnect();
      else child.kill('SIGTERM');
    });
  }

  private server(): ChildProcess {
    if (this.child?.connected) return this.child;
    const child = fork(join(__dirname, 'launcher-server.js'), [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      execArgv: ['--max-old-space-size=64'],
    });
    child.on('message', (m: LauncherReply) => this.settle(m));
    child.once('exit', (code, sig) => {
      if (this.child === child) this.child = undefined;
      this.failAll(new LauncherUnavailableError(`process launcher exited (${sig ?? code})`));
    });
    this.child = child;
    return child;
  }

  private send(message: LauncherRequest): void {
    const child = this.child;
    if (!child?.connected) return;
    child.send(message, (err) => {
      if (err && 'id' in message && message.op === 'launch') this.fail(message.id, new LauncherUnavailableError(err.message));
    });
  }

  private settle(m: LauncherReply): void {
    const p = this.pending.get(m.id);
    if (!p) return;
    if ('outcome' in m) {
      this.done(m.id);
      p.resolve(m.outcome);
    } else {
      const e = Object.assign(new Error(m.error.message), { code: m.error.code });
      this.done(m.id);
      p.reject(e);
    }
  }

  private fail(id: number, e: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.done(id);
    p.reject(e);
  }

  private failAll(e: Error): void {
    for (const id of [...this.pending.keys()]) this.fail(id, e);
  }

  private done(id: number): void {
    const p = this.pending.get(id);
    if (p?.onAbort) p.signal?.removeEventListener('abort', p.onAbort);
    this.pending.delete(id);
    this.refresh();
  }

  /** The helper keeps the parent alive only while processes are running. */
  private refresh(): void {
    const child = this.child;
    if (!child) return;
    if (this.pending.size) {
      child.ref();
      child.channel?.ref();
    } else {
      child.unref();
      child.channel?.unref();
    }
  }
}

/**
 * Asks a launcher helper to leave (`leave`) and resolves once it has exited, keeping
 * this process alive meanwhile; at once when it has already gone.
 */
export function helperGone(child: ChildProcess, leave: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.ref();
    leave();
  });
}
