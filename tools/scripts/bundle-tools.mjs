#!/usr/bin/env node
// Bundles each tool's compiled program (tools/<name>/dist/main.js, from `tsc -b`) with the
// @saber libraries it imports into one file, tools/<name>/dist/bundle.js: the program the CWL
// files run. Part of `npm run build`. A tool process then loads one file instead of about a
// hundred modules: 0.1 s less start-up per tool process here. npm packages (commander, the
// volume formats' codecs, the S3 client...) stay outside the bundle and load through
// node_modules or NODE_PATH as before, most of them only when a volume needs them; the native
// kernels of @saber/imaging are found through its package (native-kernels.ts).
// `node tools/scripts/bundle-tools.mjs [name...]` bundles the named tools only.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const tools = join(dirname(fileURLToPath(import.meta.url)), '..');
const names = process.argv.length > 2 ? process.argv.slice(2) : readdirSync(tools).filter((n) => existsSync(join(tools, n, 'package.json')));

/** Bare imports other than @saber/* stay `require`s of the installed packages. */
const packagesOutside = {
  name: 'packages-outside',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (args.path.startsWith('@saber/') ? undefined : { path: args.path, external: true }));
  },
};

for (const name of names) {
  const entry = join(tools, name, 'dist/main.js');
  if (!existsSync(entry)) {
    console.error(`bundle-tools: ${entry} is missing; build the tool first (npx tsc -b tools/${name})`);
    process.exit(1);
  }
  await build({
    entryPoints: [entry],
    outfile: join(tools, name, 'dist/bundle.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [packagesOutside],
    logLevel: 'warning',
  });
}
