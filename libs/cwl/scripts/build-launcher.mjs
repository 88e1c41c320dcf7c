#!/usr/bin/env node
// Compiles native/saber-launch.c (the posix_spawn process launcher) to
// dist/launcher/saber-launch; part of `npm run build`. Without a C compiler it says
// so and stops without error (a compiler that fails is an error): executors then spawn tools from the Node fork server
// (SABER_PROCESS_LAUNCHER=auto). Skipped when the binary is newer than its source.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(lib, 'native/saber-launch.c');
const target = join(lib, 'dist/launcher/saber-launch');
const mtime = (p) => { try { return statSync(p).mtimeMs; } catch { return -1; } };

if (mtime(target) > mtime(source)) process.exit(0);
mkdirSync(dirname(target), { recursive: true });
const cc = process.env.CC || 'cc';
const r = spawnSync(cc, ['-O2', '-Wall', '-Wextra', '-o', target, source], { stdio: ['ignore', 'inherit', 'inherit'] });
if (r.error?.code === 'ENOENT') {
  console.error(`saber-launch not built: no C compiler (${cc}); tools will be spawned by the Node fork server`);
  process.exit(0);
}
if (r.status !== 0) {
  console.error(`saber-launch: ${cc} failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
