import type { SpawnOutcome, SpawnRequest } from '../tool/spawn-process';

/** Parent → launcher: start a process, or kill one. */
export type LauncherRequest =
  | { op: 'launch'; id: number; request: Omit<SpawnRequest, 'signal'> }
  | { op: 'kill'; id: number };

/** Launcher → parent: how a process ended, or why it could not start. */
export type LauncherReply =
  | { id: number; outcome: SpawnOutcome }
  | { id: number; error: { message: string; code?: string } };
