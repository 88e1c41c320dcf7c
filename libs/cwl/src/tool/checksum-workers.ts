import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** Files at least this large are hashed on a worker thread; smaller ones on the calling thread. */
export const WORKER_CHECKSUM_BYTES = 16 << 20;

/** Most worker threads that hash at once. */
const MAX_WORKERS = Math.max(1, Math.min(4, availableParallelism()));

/**
 * A worker's program: `sha1$<hex>` of each file it is sent, read in 1 MiB pieces into one buffer;
 * a failure comes back as the error's message and code (an `ENOENT`, say).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const buf = Buffer.allocUnsafe(1 << 20);
parentPort.on('message', (path) => {
  let fd;
  try {
    const hash = createHash('sha1');
    fd = openSync(path, 'r');
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) hash.update(buf.subarray(0, n));
    parentPort.postMessage({ sum: 'sha1$' + hash.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ error: { message: e.message, code: e.code } });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
});
`;

interface Job {
  readonly path: string;
  readonly resolve: (sum: string) => void;
  readonly reject: (err: Error) => void;
}

interface Hasher {
  readonly worker: Worker;
  job?: Job;
}

const idle: Hasher[] = [];
const queue: Job[] = [];
let started = 0;

/**
 * `sha1$<hex>` of a file, computed on one of a few worker threads (at most 4, and at most one
 * per core), so that the checksums of several large outputs (a block's 440 MB probability map)
 * run side by side and the event loop stays free. The threads are unreferenced: they never keep
 * the process alive. Rejects with the file's read error (its `code` kept).
 */
export function sha1OnWorker(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    queue.push({ path, resolve, reject });
    pump();
  });
}

/**
 * Starts the pool's hashing threads ahead of need (a no-op once they run): a tool's outputs are
 * hashed when it exits, and threads started while it runs have their start-up (30-50 ms of Node
 * start each) behind them by then. Called as each tool is launched.
 */
export function warmChecksumWorkers(): void {
  while (started < MAX_WORKERS) idle.push(spawn());
}

/** Hashing threads started and alive (for tests and diagnostics). */
export function checksumWorkerThreads(): number {
  return started;
}

function pump(): void {
  while (queue.length > 0) {
    const hasher = idle.pop() ?? (started < MAX_WORKERS ? spawn() : undefined);
    if (!hasher) return;
    const job = queue.shift()!;
    hasher.job = job;
    hasher.worker.ref();
    // One job per worker at a time: the reply needs no id.
    hasher.worker.postMessage(job.path);
  }
}

function spawn(): Hasher {
  started++;
  const hasher: Hasher = { worker: new Worker(WORKER_SOURCE, { eval: true }) };
  hasher.worker.on('message', (m: { sum?: string; error?: { message: string; code?: string } }) => {
    const job = hasher.job!;
    hasher.job = undefined;
    hasher.worker.unref();
    idle.push(hasher);
    if (m.sum !== undefined) job.resolve(m.sum);
    else job.reject(Object.assign(new Error(m.error!.message), m.error!.code ? { code: m.error!.code } : {}));
    pump();
  });
  // A worker that dies (out of memory, say) fails its job and leaves the pool; the next job starts another.
  hasher.worker.on('error', (err) => {
    started--;
    const at = idle.indexOf(hasher);
    if (at >= 0) idle.splice(at, 1);
    const job = hasher.job;
    hasher.job = undefined;
    job?.reject(err);
    pump();
  });
  hasher.worker.unref();
  return hasher;
}
