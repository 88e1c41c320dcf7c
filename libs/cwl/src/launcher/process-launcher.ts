import type { SpawnOutcome, SpawnRequest } from '../tool/spawn-process';

/**
 * Starts tool processes. The default spawns from the calling process; the
 * {@link ForkServerLauncher} spawns from a small helper process instead, because
 * `fork()` costs time proportional to the caller's memory: a 780 MB process (an
 * embedded catalog, many tasks in flight) pays ~15 ms per spawn, a 45 MB one ~1 ms.
 */
export interface ProcessLauncher {
  /** Runs one process to its end (see {@link spawnProcess}); rejects only when it cannot start. */
  launch(request: SpawnRequest): Promise<SpawnOutcome>;
  /** Releases the launcher's resources (a helper process). */
  close(): Promise<void>;
}
