#!/usr/bin/env node
// Compiles native/saber-imaging.c (the hot loops of @saber/imaging as a Node-API addon) to
// dist/native/saber-imaging.node; part of `npm run build`. Without a C compiler, or without
// Node's headers, it says so and stops without error: the kernels then run their TypeScript
// loops (same results, 5-10x slower). A compiler that fails is an error. Skipped when the
// addon is newer than its source.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lib = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(lib, 'native/saber-imaging.c');
const fastEigen = join(lib, 'native/eigen-fast.c');
const target = join(lib, 'dist/native/saber-imaging.node');
const mtime = (p) => { try { return statSync(p).mtimeMs; } catch { return -1; } };

if (mtime(target) > Math.max(mtime(source), mtime(fastEigen), mtime(fileURLToPath(import.meta.url)))) process.exit(0);
// Node's headers: beside the node binary (<prefix>/include/node), or npm's nodedir.
const candidates = [join(dirname(dirname(process.execPath)), 'include/node'), process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include/node')].filter(Boolean);
const headers = candidates.find((d) => existsSync(join(d, 'node_api.h')));
if (!headers) {
  console.error(`saber-imaging native kernels not built: Node's headers (node_api.h) not found in ${candidates.join(', ')}; the TypeScript kernels will run`);
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const cc = process.env.CC || 'cc';
const compile = (args, quiet) => spawnSync(cc, args, { stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'ignore' : 'inherit'] });
// eigen-fast.c alone with -ffast-math (glibc's vector acos/cos, libmvec); where that does not
// build (no libmvec: musl, older glibc), the exact scalar eigenvalues are used.
const fastObject = `${target}.eigen-fast.o`;
// On x86-64 its AVX-512 clone uses 512-bit vectors (8 lanes of libmvec's acos and cos): 7.7 ns a
// matrix against 9.3 with 256-bit ones and 13.3 for the AVX2 clone on the benchmark VM.
const wide = process.arch === 'x64' ? ['-mprefer-vector-width=512'] : [];
const fast =
  compile(['-O3', '-std=c11', '-D_DEFAULT_SOURCE', '-ffast-math', ...wide, '-fPIC', '-Wall', '-Wextra', '-c', '-o', fastObject, fastEigen], true).status === 0 &&
  compile(['-shared', '-o', `${target}.probe`, fastObject, '-lmvec', '-lm'], true).status === 0;
// -ffp-contract=off: no fused multiply-adds, so that sums round as the TypeScript loops'.
const flags = ['-O3', '-std=c11', '-D_DEFAULT_SOURCE', '-ffp-contract=off', '-fPIC', '-shared', '-Wall', '-Wextra', `-I${headers}`, '-o', target, source];
const r = compile(fast ? [...flags, '-DSABER_FAST_EIGEN', fastObject, '-lmvec', '-lm'] : [...flags, '-lm']);
for (const p of [fastObject, `${target}.probe`]) rmSync(p, { force: true });
if (r.error?.code === 'ENOENT') {
  console.error(`saber-imaging native kernels not built: no C compiler (${cc}); the TypeScript kernels will run`);
  process.exit(0);
}
if (r.status !== 0) {
  console.error(`saber-imaging native kernels: ${cc} failed (exit ${r.status ?? r.signal})`);
  process.exit(1);
}
