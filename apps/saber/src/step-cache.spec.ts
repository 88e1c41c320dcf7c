import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/saber/bin/saber.js');

describe('step cache (embedded CLI)', () => {
  const home = mkdtempSync(join(tmpdir(), 'saber-cache-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const counter = join(home, 'produce-runs.txt');
  const fix = join(home, 'fixed');
  const job = join(home, 'job.json');
  writeFileSync(job, JSON.stringify({ items: [1, 2, 3], counter, fix }));
  const saber = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, 'run', 'test/workflows/resume.cwl', job, '--no-progress', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, SABER_HOME: home }, encoding: 'utf8', timeout: 60_000 });
  const produceRuns = () => readFileSync(counter, 'utf8').split('\n').filter(Boolean).length;

  it('a re-run after a failure reuses the steps that succeeded and runs the rest', () => {
    const first = saber();
    assert.equal(first.status, 1, first.stderr);
    assert.match(first.stderr, /failed at step check/);
    assert.equal(produceRuns(), 3);
    const entries = readdirSync(join(home, 'work', 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
    assert.equal(entries.length, 3, 'one cache entry per produce element (check failed: nothing cached)');

    writeFileSync(fix, 'ok\n');
    const second = saber();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(produceRuns(), 3, 'produce was not run again');
    const out = JSON.parse(second.stdout) as { results: Array<{ location: string }> };
    assert.deepEqual(out.results.map((f) => readFileSync(fileURLToPath(f.location), 'utf8')), ['item 1\n', 'item 2\n', 'item 3\n']);
  });

  it('--no-cache runs every step again', () => {
    const r = saber('--no-cache');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(produceRuns(), 6);
  });

  it('a changed input runs only the elements it changes', () => {
    writeFileSync(job, JSON.stringify({ items: [1, 2, 4], counter, fix }));
    const r = saber();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(produceRuns(), 7, 'only item 4 ran');
  });
});
