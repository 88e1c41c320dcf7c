#!/usr/bin/env node
// Runs every compiled test (`dist/**/*.spec.js` of each workspace) with node's test runner.
// Integration tests find NATS and PostgreSQL through NATS_URL / DATABASE_URL; when they are
// not set, throw-away servers are started here (see test/servers.mjs) and torn down at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { provideServers } from './servers.mjs';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const only = args.filter((a) => !a.startsWith('--'));

function specs(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    const s = statSync(p);
    if (s.isDirectory()) specs(p, out);
    else if (name.endsWith('.spec.js')) out.push(p);
  }
  return out;
}

let files = [];
for (const group of ['libs', 'services', 'apps', 'tools']) {
  for (const pkg of readdirSync(join(root, group))) {
    const dist = join(root, group, pkg, 'dist');
    try { statSync(dist); } catch { continue; }
    files.push(...specs(dist));
  }
}
if (unitOnly) files = files.filter((f) => !f.endsWith('.int.spec.js'));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
files.sort();

const servers = unitOnly ? { env: {}, stop: async () => {} } : await provideServers();
const res = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, ...servers.env }, cwd: root },
);
await servers.stop();
process.exit(res.status ?? 1);
