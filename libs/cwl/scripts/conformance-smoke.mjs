#!/usr/bin/env node
// Runs CWL conformance tests in-process through @saber/cwl's runWorkflowLocally and compares
// outputs with the suite driver's cwltest rules (imported from ../shared/cwl-conformance).
// Usage (from the repo root, after `npx tsc -b libs/cwl`):
//   node libs/cwl/scripts/conformance-smoke.mjs [--tags required] [--only id1,id2] [--verbose]
// Prints one line per test and `N passed, M failed`; exits 1 if any test failed.
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../..');
const suiteDir = resolve(repo, '../shared/cwl-conformance');
const require = createRequire(join(repo, 'package.json'));
const yaml = require('js-yaml');
const cwl = require(join(here, '..', 'dist', 'index.js'));
const driver = await import(pathToFileURL(join(suiteDir, 'conformance.mjs')).href);

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const tags = (opt('--tags') ?? 'required').split(',');
const only = opt('--only')?.split(',');
const verbose = args.includes('--verbose');

const suiteFile = join(suiteDir, 'cwl-v1.2', 'conformance_tests.yaml');
const tests = driver.loadSuite(yaml, driver.makeSchema(yaml), suiteFile)
  .filter((t) => (only ? only.includes(t.id) : (t.tags ?? ['required']).some((g) => tags.includes(g))));

let passed = 0;
const failures = [];
for (const t of tests) {
  const outdir = await mkdtemp(join(tmpdir(), 'cwl-smoke-'));
  let status;
  let reason = '';
  const cwd = process.cwd();
  try {
    process.chdir(dirname(suiteFile));
    const loaded = await cwl.loadDocument({ path: t.tool.abs + (t.tool.frag ?? '') });
    const inputs = t.job ? await cwl.loadJob(t.job.abs) : {};
    const outputs = await cwl.runWorkflowLocally(loaded.process, inputs, { outdir, parallelism: 4 });
    if (t.shouldFail) { status = 'fail'; reason = 'succeeded but should fail'; }
    else {
      try { driver.compare(t.output, JSON.parse(JSON.stringify(outputs)), 'output', { cwd: dirname(suiteFile) }); status = 'pass'; }
      catch (e) { status = 'fail'; reason = e.message; }
    }
  } catch (e) {
    if (t.shouldFail) status = 'pass';
    else { status = 'fail'; reason = `${e.name}: ${e.message}`.split('\n').slice(0, 4).join(' | '); }
  } finally {
    process.chdir(cwd);
    await rm(outdir, { recursive: true, force: true });
  }
  if (status === 'pass') passed++;
  else failures.push(t.id);
  if (verbose || status !== 'pass') console.log(`${status.toUpperCase()} ${t.id}${reason ? `: ${reason.slice(0, 400)}` : ''}`);
}
console.log(`${passed} passed, ${failures.length} failed`);
process.exitCode = failures.length ? 1 : 0;
