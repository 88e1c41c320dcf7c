#!/usr/bin/env node
// bench:dispatch — a 1,000-way fan-out of a no-op tool (`true`), three ways in one run:
//   bare:     a loop spawning the same 1,000 processes with child_process.spawn, CONCURRENCY
//             at a time (the baseline of the ratios), and the same loop through saber-launch,
//             the posix_spawn helper the executors use (printed for reference);
//   embedded: saber's six services in this process on the in-process bus;
//   nats:     planner + 2 executor processes on the NATS server of NATS_URL (skipped when unset).
// Each SABER side runs with the same total concurrency as the bare loop, after a warm-up
// run on the same services. BENCH_ROUNDS rounds (default 3) of all sides; the medians count.
// Last line: `dispatch: key=value ...` with tasks/s and ratios (SABER time / bare time).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { spawnFloor } from '../lib/spawn-floor.mjs';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../..', import.meta.url).pathname);
const N = Number(process.env.BENCH_TASKS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? availableParallelism() * 2);
const workflow = join(root, 'test/workflows/noop-scatter.cwl');
const items = Array.from({ length: N }, (_, i) => i);
// Each SABER side first runs WARM_UP other elements on the same services (as long-running
// services are warm), then the measured N; the inputs differ, so the step cache never hits.
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 100);
const warmUp = Array.from({ length: WARM_UP }, (_, i) => N + i);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// SABER homes are removed after the last measurement, not between two: removing a
// run's thousands of files takes seconds, and on some file systems (ext4 without a
// journal) every file created in the next minutes then scans past the removed
// inodes, which would charge one mode's clean-up to the next mode's time.
const homes = [];
process.on('exit', () => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

// The bare loop runs in a fresh Node process: child_process.spawn forks the calling
// process, so after the SABER sides have grown this one (an embedded catalog, 1,000-task
// runs) the same loop here takes ten times longer, which would flatter every ratio.
const BARE_LOOP = `
const { spawn } = require('node:child_process');
const [n, c] = process.argv.slice(1).map(Number);
const t0 = performance.now();
let next = 0;
const worker = async () => {
  while (next < n) {
    next++;
    await new Promise((res, rej) => spawn('true', [], { stdio: 'ignore' }).once('exit', res).once('error', rej));
  }
};
Promise.all(Array.from({ length: c }, worker)).then(() => console.log((performance.now() - t0) / 1000));
`;

async function bare() {
  const r = spawnSync(process.execPath, ['-e', BARE_LOOP, String(N), String(CONCURRENCY)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bare loop failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

// The same loop through the posix_spawn helper the executors use (when it is built):
// what spawning costs without child_process.spawn's fork of this process.
const bareNative = () => spawnFloor(N, CONCURRENCY);

async function embedded(catalog) {
  const { startEmbedded, followRun, ProgressView } = require('@saber/saber');
  const { loadConfig } = require('@saber/config');
  const { RunRequested } = require('@saber/contracts');
  const home = mkdtempSync(join(tmpdir(), 'saber-bench-'));
  const config = loadConfig({ SABER_HOME: home, SABER_EXECUTOR_CONCURRENCY: String(CONCURRENCY), SABER_LOG_LEVEL: 'error' });
  const saber = await startEmbedded(config, { quiet: true, catalog });
  const run = async (inputs) => {
    const requestId = `bench-${Date.now()}-${inputs.length}`;
    const follower = await followRun(saber.bus, requestId, new ProgressView(false));
    const body = RunRequested.parse({ requestId, workflow: { path: workflow }, inputs: { items: inputs } });
    const t0 = performance.now();
    await saber.bus.publish(RunRequested.subject, new TextEncoder().encode(JSON.stringify(body)), { msgId: requestId });
    const end = await follower.done;
    const seconds = (performance.now() - t0) / 1000;
    await follower.stop();
    if (end.kind !== 'completed') throw new Error(`embedded run ended ${end.kind}: ${JSON.stringify(end.event)}`);
    return seconds;
  };
  try {
    await run(warmUp);
    return await run(items);
  } finally {
    await saber.close();
    homes.push(home);
  }
}

async function nats() {
  const { TestCluster } = require('@saber/saber');
  const { Filters, RunRequested, RunCompleted, RunFailed } = require('@saber/contracts');
  const perExecutor = Math.max(1, Math.floor(CONCURRENCY / 2));
  // The bench follows run events only, as a client waiting for its result would.
  const cluster = new TestCluster(
    { SABER_EXECUTOR_CONCURRENCY: String(perExecutor), SABER_LOG_LEVEL: 'log', DATABASE_URL: process.env.DATABASE_URL ?? 'unused' },
    { observe: Filters.runEvents },
  );
  await cluster.start();
  try {
    await cluster.startService('planner');
    await cluster.startService('executor');
    await cluster.startService('executor');
    const run = async (inputs) => {
      const requestId = `bench-${Date.now()}-${inputs.length}`;
      const t0 = performance.now();
      await cluster.publish(RunRequested.subject, RunRequested.parse({ requestId, workflow: { path: workflow }, inputs: { items: inputs } }), requestId);
      const end = await cluster.waitFor((e) => (e.subject === RunCompleted.subject || e.subject === RunFailed.subject) && e.body.runId === requestId, 600_000, 'run end');
      const seconds = (performance.now() - t0) / 1000;
      if (end.subject !== RunCompleted.subject) throw new Error(`nats run failed: ${JSON.stringify(end.body)}`);
      return seconds;
    };
    await run(warmUp);
    return await run(items);
  } finally {
    await cluster.stop();
  }
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const modes = [
  ['bare spawn loop', bare],
  ['bare posix_spawn loop (saber-launch)', bareNative],
  ['embedded', () => embedded(true)],
  ['embedded, no catalog', () => embedded(false)],
  ['nats, 2 executors', process.env.NATS_URL ? nats : async () => NaN],
];
const times = modes.map(() => []);
for (let round = 1; round <= ROUNDS; round++) {
  const line = [];
  for (const [i, [, measure]] of modes.entries()) {
    times[i].push(await measure());
    line.push(fmt(times[i].at(-1)));
  }
  console.log(`round ${round}: ${modes.map(([name], i) => `${name} ${line[i]} s`).join(', ')}`);
}
if (!process.env.NATS_URL) console.log('nats: skipped (set NATS_URL to a nats-server with JetStream)');
const [bareS, bareNativeS, embS, embBareS, natsS] = times.map(median);
console.log(`median of ${ROUNDS} rounds, ${N} tasks, concurrency ${CONCURRENCY} (SABER sides after a ${WARM_UP}-task warm-up run):`);
for (const [i, [name]] of modes.entries()) console.log(`  ${name.padEnd(38)} ${fmt(median(times[i]))} s  ${fmt(N / median(times[i]))} tasks/s  ratio ${fmt(median(times[i]) / bareS)}`);
console.log(
  `dispatch: tasks=${N} concurrency=${CONCURRENCY} rounds=${ROUNDS} bare_tps=${fmt(N / bareS)} bare_posix_spawn_tps=${fmt(N / bareNativeS)} embedded_tps=${fmt(N / embS)} nats_tps=${fmt(N / natsS)} ` +
    `embedded_ratio=${fmt(embS / bareS)} embedded_nocatalog_ratio=${fmt(embBareS / bareS)} nats_ratio=${fmt(natsS / bareS)} goal_ratio=1.5`,
);
process.exit(0);
