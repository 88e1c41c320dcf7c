// The fork server: a small Node process that spawns tool processes on behalf of
// its parent (see ForkServerLauncher). Protocol: launcher-protocol.ts over IPC.
import { spawnProcess } from '../tool/spawn-process';
import type { LauncherReply, LauncherRequest } from './launcher-protocol';

const running = new Map<number, AbortController>();

function reply(message: LauncherReply): void {
  process.send?.(message);
}

process.on('message', (message: LauncherRequest) => {
  if (message.op === 'kill') {
    running.get(message.id)?.abort();
    return;
  }
  const abort = new AbortController();
  running.set(message.id, abort);
  spawnProcess({ ...message.request, signal: abort.signal })
    .then((outcome) => reply({ id: message.id, outcome }))
    .catch((e: NodeJS.ErrnoException) => reply({ id: message.id, error: { message: e.message, code: e.code } }))
    .finally(() => running.delete(message.id));
});

// The parent went away: stop everything this server started.
process.on('disconnect', () => {
  for (const a of running.values()) a.abort();
  setTimeout(() => process.exit(0), 100).unref();
});
