#!/usr/bin/env node
// Bundles each tool's compiled program (tools/<name>/dist/main.js, from `tsc -b`) with the
// @saber libraries it imports into one file, tools/<name>/dist/bundle.js: the program the CWL
// files run. Part of `npm run build`. A tool process then loads one file instead of about a
// hundred modules: 0.1 s less start-up per tool process here. npm packages (commander, the
// volume formats' codecs, the S3 client...) stay outside the bundle and load through
// node_modules or NODE_PATH as before, most of them only when a volume needs them; the native
// kernels of @saber/imaging are found through its package (native-kernels.ts).
// `node tools/scripts/bundle-tools.mjs [name...]` bundles the named tools only.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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

const root = join(tools, '..');

/**
 * A check the bundle runs first: a project it inlined was compiled after it (`npx tsc -b
 * tools/<name>` without this script), so it would run older code than dist/main.js: it says so
 * on stderr. `tsc -b` rewrites a project's dist/.tsbuildinfo on every build of it. Where those
 * files are not beside it (a bundle staged into a container), it checks nothing.
 */
function staleCheck(outfile, buildInfos) {
  const paths = JSON.stringify(buildInfos.map((f) => relative(dirname(outfile), f)));
  return `(() => {
  const { statSync } = require('node:fs');
  const { join } = require('node:path');
  try {
    const own = statSync(__filename).mtimeMs;
    for (const f of ${paths}) {
      let t;
      try { t = statSync(join(__dirname, f)).mtimeMs; } catch { continue; }
      if (t > own) {
        process.stderr.write('warning: ' + __filename + ' is older than the build of ' + join(__dirname, f, '../..') + ': it runs the code bundled before; rebuild with npm run build (or node tools/scripts/bundle-tools.mjs)\\n');
        return;
      }
    }
  } catch {}
})();`;
}

for (const name of names) {
  const entry = join(tools, name, 'dist/main.js');
  if (!existsSync(entry)) {
    console.error(`bundle-tools: ${entry} is missing; build the tool first (npx tsc -b tools/${name})`);
    process.exit(1);
  }
  const outfile = join(tools, name, 'dist/bundle.js');
  const { metafile } = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    plugins: [packagesOutside],
    logLevel: 'warning',
    metafile: true,
  });
  // The projects whose compiled files it inlined (the tool and the @saber libraries), by their build info.
  const projects = new Set(Object.keys(metafile.inputs).map((f) => f.match(/^(?:libs|tools)\/[^/]+\//)?.[0]).filter(Boolean));
  const buildInfos = [...projects].map((d) => join(root, d, 'dist/.tsbuildinfo')).filter((f) => existsSync(f)).sort();
  // After the #! line and the "use strict" directive (which must stay first), before any module runs.
  const lines = readFileSync(outfile, 'utf8').split('\n');
  let at = lines[0].startsWith('#!') ? 1 : 0;
  if (lines[at] === '"use strict";') at++;
  lines.splice(at, 0, staleCheck(outfile, buildInfos));
  writeFileSync(outfile, lines.join('\n'));
}
