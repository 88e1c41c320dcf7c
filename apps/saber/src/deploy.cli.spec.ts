import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(__dirname, '../../..');
const BIN = join(ROOT, 'apps/saber/bin/saber.js');
const TOOL = 'test/workflows/block-bounds.cwl';

interface SweepResult {
  sweepId: string;
  total: number;
  merges: string[];
  merged: Array<{ requestId: string; blocks: number; results: unknown[]; skipped: Array<{ output: string; reason: string }> }>;
  iterations: Array<{
    index: number; runId: string; attempts: number; parameters: Record<string, number>; group: number;
    block: { index: number; core: unknown; halo: unknown }; outputs: Record<string, { location: string }>;
  }>;
}

describe('saber deploy, embedded mode (no servers)', () => {
  const home = mkdtempSync(join(tmpdir(), 'saber-deploy-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const env = { PATH: process.env.PATH, SABER_HOME: home };
  const saber = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });
  const job = (name: string, inputs: Record<string, string>) => {
    const path = join(home, name);
    writeFileSync(path, Object.entries(inputs).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join('\n'));
    return path;
  };

  it('runs one child run per block of a 3 × 2 grid, retries the block that fails once, and prints the sweep result', () => {
    const markers = mkdtempSync(join(home, 'markers-'));
    const r = saber('deploy', TOOL, job('flaky.yml', { tag: 'grid', fail_at: 'z0-1_y10-20_x10-20', marker_dir: markers }), '--sweep', 'test/sweeps/block-grid.yml', '--no-catalog');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as SweepResult;
    assert.equal(out.total, 6);
    assert.deepEqual(
      out.iterations.map((i) => readFileSync(fileURLToPath(i.outputs.out!.location), 'utf8')),
      ['z0-1_y0-10_x0-10 grid\n', 'z0-1_y0-10_x10-20 grid\n', 'z0-1_y0-10_x20-30 grid\n', 'z0-1_y10-20_x0-10 grid\n', 'z0-1_y10-20_x10-20 grid\n', 'z0-1_y10-20_x20-30 grid\n'],
    );
    assert.deepEqual(out.iterations.map((i) => i.attempts), [1, 1, 1, 1, 2, 1]);
    assert.equal(out.iterations[4]!.runId, `${out.sweepId}.i4.a2`);
    assert.deepEqual(out.iterations[4]!.block, { index: 4, position: [0, 1, 1], core: { start: [0, 10, 10], stop: [1, 20, 20] }, halo: { start: [0, 8, 8], stop: [1, 20, 22] } });
    assert.deepEqual(out.merges, [`${out.sweepId}.m0`]);
    assert.ok(existsSync(join(markers, 'z0-1_y10-20_x10-20')));
    assert.match(r.stderr, /^sweep sweep-[a-z0-9-]+: 6 iterations \(6 blocks, grid 1×2×3 \(z×y×x\)\), 32 at a time$/m);
    assert.match(r.stderr, new RegExp(`^run ${out.sweepId}\\.i4 failed \\(tool-exit\\): step main failed \\(tool-exit, exit code 1\\)`, 'm'));
    assert.match(r.stderr, new RegExp(`^sweep ${out.sweepId}: 6/6 done, 0 failed, 1 retried$`, 'm'));
    assert.match(r.stderr, new RegExp(`^sweep ${out.sweepId} completed: 6 iterations \\(1 retried\\) in [0-9.]+ tool-seconds$`, 'm'));
    // The command waits for the merge it requested: text files are not mergeable, and the merger says so.
    assert.deepEqual(out.merged.map((m) => [m.requestId, m.blocks, m.results, m.skipped]), [[`${out.sweepId}.m0`, 6, [], [{ output: 'out', reason: `not a volume, JSON or CSV file (${out.iterations[0]!.outputs.out!.location.replace('file://', '')})` }]]]);
    assert.match(r.stderr, new RegExp(`^merged ${out.sweepId}\\.m0 \\(6 blocks, [0-9.]+ s\\):\n  out: not merged \\(not a volume, JSON or CSV file`, 'm'));
  });

  it('runs the original merge_test parameterization: 8 blocks × 5 template sizes through the wired steps, 5 merges', () => {
    const r = saber('deploy', 'test/workflows/merge-test.cwl', 'test/sweeps/merge-test.job.yml', '--sweep', 'test/sweeps/merge-test.yml', '--no-catalog', '--no-merge-wait');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as SweepResult;
    // The original's order: x outermost, template size fastest; the last block per axis truncated at stop.
    const expected: string[] = [];
    for (const [x0, x1] of [[970, 1320], [1320, 1589]]) {
      for (const [y0, y1] of [[858, 1208], [1208, 1533]]) {
        for (const [z0, z1] of [[0, 250], [250, 500]]) {
          for (const t of [19, 20, 34, 12, 16]) expected.push(`pull z${z0}-${z1} y${y0}-${y1} x${x0}-${x1} pad5 t${t} merged x${x0}-${x1}\n`);
        }
      }
    }
    assert.deepEqual(out.iterations.map((i) => readFileSync(fileURLToPath(i.outputs.merged!.location), 'utf8')), expected);
    assert.deepEqual(out.iterations[39]!.parameters, { xmin: 1320, xmax: 1589, ymin: 1208, ymax: 1533, zmin: 250, zmax: 500, initial_template_size: 16 });
    assert.deepEqual(out.iterations.slice(0, 6).map((i) => [i.block.index, i.group]), [[0, 0], [0, 1], [0, 2], [0, 3], [0, 4], [4, 0]]);
    assert.deepEqual(out.merges, [0, 1, 2, 3, 4].map((g) => `${out.sweepId}.m${g}`));
    // --no-merge-wait: printed as soon as the blocks are done, the merges named, not awaited.
    assert.deepEqual(out.merged, []);
    assert.match(r.stderr, new RegExp(`completed: 40 iterations in [0-9.]+ tool-seconds; merge requested: ${out.merges.map((m) => m.replace('.', '\\.')).join(', ')}$`, 'm'));
    assert.match(r.stderr, /: 40 iterations \(8 blocks, grid 2×2×2 \(z×y×x\)\), 32 at a time$/m);
  });

  it('exits 1 naming the block that failed on every attempt; nothing on stdout', () => {
    const r = saber('deploy', TOOL, job('broken.yml', { fail_at: 'z0-1_y0-10_x0-10' }), '--sweep', 'test/sweeps/block-grid.yml', '--no-catalog', '--max-attempts', '2');
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const id = /^sweep (sweep-[a-z0-9-]+) failed: /m.exec(r.stderr)?.[1];
    assert.ok(id, r.stderr);
    assert.match(r.stderr, new RegExp(`^sweep ${id} failed: 1 of 6 iterations failed for good; iteration 0 \\(block 0\\), run ${id}\\.i0\\.a2 after 2 attempt\\(s\\): step main failed \\(tool-exit, exit code 1\\)`, 'm'));
    assert.match(r.stderr, new RegExp(`^  iteration 0 \\(block 0\\), run ${id}\\.i0\\.a2, 2 attempt\\(s\\), tool-exit:$`, 'm'));
    assert.match(r.stderr, /^ {4}block z0-1_y0-10_x0-10: flaky failure$/m);
  });

  it('rejects an invalid sweep file before starting anything, naming file, line and column', () => {
    const bad = join(home, 'bad.yml');
    writeFileSync(bad, 'x:\n  range: {start: 0, stop: 10, step: 0}\n  parameters: {min: xmin, max: xmax}\ny:\n  range: [1, 2\n');
    const r = saber('deploy', TOOL, job('any.yml', {}), '--sweep', bad);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `saber: invalid sweep ${bad}:\n  ${bad}:6:1: unexpected end of the stream within a flow collection\n`);
    writeFileSync(bad, 'x:\n  range: {start: 0, stop: 10, step: 0}\n  parameters: {min: xmin, max: xmax}\n');
    const r2 = saber('deploy', TOOL, job('any.yml', {}), '--sweep', bad);
    assert.equal(r2.stderr, `saber: invalid sweep ${bad}:\n  x.range.step: must be greater than 0, got 0\n`);
  });

  it('reports a sweep the blocker rejects with its reason and problems', () => {
    const sweep = join(home, 'unbound.yml');
    writeFileSync(sweep, 't: {range: [0.5, 0.7], parameters: {abs: threshold}}\nblock: {bounds: {stop: [1, 20, 30]}, size: [1, 10, 10]}\n');
    const r = saber('deploy', TOOL, job('any.yml', {}), '--sweep', sweep, '--no-catalog');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^sweep sweep-[a-z0-9-]+ rejected \(invalid-sweep\): the sweep does not fit the workflow: t\.parameters\.abs: no workflow input 'threshold'/m);
    assert.match(r.stderr, /^ {2}t\.parameters\.abs: no workflow input 'threshold' \(inputs: seconds, zmin, zmax, ymin, ymax, xmin, xmax, fail_at, marker_dir, tag\)$/m);
  });
});
