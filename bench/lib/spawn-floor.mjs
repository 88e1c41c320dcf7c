// The cheapest way this machine starts processes: `n` runs of `true` through saber-launch
// (posix_spawn, no copy of the calling process), `concurrency` at a time. bench:dispatch
// and bench:cwl print it beside their SABER sides, as the floor any engine pays.
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';

const require = createRequire(import.meta.url);

/** Seconds to start and reap `n` processes of `true`; NaN when saber-launch is not built (`npm run build`). */
export async function spawnFloor(n, concurrency) {
  const { NativeLauncher, nativeLauncherAvailable } = require('@saber/cwl');
  if (!nativeLauncherAvailable()) return NaN;
  const launcher = new NativeLauncher();
  const req = { argv: ['true'], cwd: tmpdir(), env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdoutPath: '/dev/null', stderrPath: '/dev/null' };
  try {
    await launcher.launch(req); // starts the helper
    const t0 = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < n) {
        next++;
        const outcome = await launcher.launch(req);
        if (outcome.exitCode !== 0) throw new Error(`true exited with ${outcome.exitCode} under saber-launch`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return (performance.now() - t0) / 1000;
  } finally {
    await launcher.close();
  }
}
