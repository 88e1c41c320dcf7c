import { ForkServerLauncher } from './fork-server.launcher';
import { NATIVE_LAUNCHER_PATH, NativeLauncher, nativeLauncherAvailable } from './native.launcher';
import type { ProcessLauncher } from './process-launcher';

/** Which helper spawns tool processes (`SABER_PROCESS_LAUNCHER`). */
export const LAUNCHER_KINDS = ['auto', 'native', 'node'] as const;
export type LauncherKind = (typeof LAUNCHER_KINDS)[number];

/**
 * The launcher `kind` names: `native` is the posix_spawn helper that `npm run build`
 * compiles when a C compiler is installed (an error when it was not built), `node`
 * the Node fork server, `auto` the first of the two that is there.
 */
export function createProcessLauncher(kind: LauncherKind = 'auto', nativePath = NATIVE_LAUNCHER_PATH): ProcessLauncher {
  if (kind === 'node') return new ForkServerLauncher();
  if (nativeLauncherAvailable(nativePath)) return new NativeLauncher(nativePath);
  if (kind === 'native') {
    throw new Error(`the native process launcher is not built (${nativePath} is missing): run \`npm run build\` where a C compiler (cc) is installed, or set SABER_PROCESS_LAUNCHER=node`);
  }
  return new ForkServerLauncher();
}
