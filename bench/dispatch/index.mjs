#!/usr/bin/env node
// bench:dispatch — a 1,000-way fan-out of a no-op tool (`true`), three ways in one run:
//   bare:     a loop spawning the same 1,000 processes with child_process.spawn, CONCURRENCY
//             at a time (the baseline of the ratios), and the same loop through saber-launch,
//             the posix_spawn helper the executors use (printed for reference);
//   embedded: saber's six services in this process on the in-process bus;
//   nats:     planner + 2 executor processes on the NATS server of NATS_URL (skipped when unset).
// Each SABER side runs with the same total concurrency as the bare loop.
// Last line: `dispatch: key=value ...` with tasks/s and ratios (SABER time / bare time).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = resolve(new URL('../..', import.meta.url).pathname);
const N = Number(process.env.BENCH_TASKS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? availableParallelism() * 2);
const workflow = join(root, 'test/workflows/noop-scatter.cwl');
const items = Array.from({ length: N }, (_, i) => i);
// SABER homes are removed after the last measurement, not between two: removing a
// run's thousands of files takes seconds, and on some file systems (ext4 without a
// journal) every file created in the next minutes then scans past the removed
// inodes, which would charge one mode's clean-up to the next mode's time.
const homes = [];
process.on('exit', () => homes.forEach((home) => rmSync(home, { recursive: true, force: true })));

async function bare() {
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      await new Promise((res, rej) => spawn('true', [], { stdio: 'ignore' }).once('exit', res).once('error', rej));
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - t0) / 1000;
}

// The same loop through the posix_spawn helper the executors use (when it is built):
// what spawning costs without child_process.spawn's fork of this process.
async function bareNative() {
  const { NativeLauncher, nativeLauncherAvailable } = require('@saber/cwl');
  if (!nativeLauncherAvailable()) return NaN;
  const launcher = new NativeLauncher();
  const dir = mkdtempSync(join(tmpdir(), 'saber-bench-bare-'));
  homes.push(dir);
  const req = { argv: ['true'], cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, stdoutPath: '/dev/null', stderrPath: '/dev/null' };
  await launcher.launch(req); // starts the helper
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      await launcher.launch(req);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  await launcher.close();
  return seconds;
}

async function embedded(catalog) {
  const { startEmbedded, followRun, ProgressView } = require('@saber/saber');
  const { loadConfig } = require('@saber/config');
  const { RunRequested } = require('@saber/contracts');
  const home = mkdtempSync(join(tmpdir(), 'saber-bench-'));
  const config = loadConfig({ SABER_HOME: home, SABER_EXECUTOR_CONCURRENCY: String(CONCURRENCY), SABER_LOG_LEVEL: 'error' });
  const saber = await startEmbedded(config, { quiet: true, catalog });
  const requestId = `bench-${Date.now()}`;
  const follower = await followRun(saber.bus, requestId, new ProgressView(false));
  const body = RunRequested.parse({ requestId, workflow: { path: workflow }, inputs: { items } });
  const t0 = performance.now();
  await saber.bus.publish(RunRequested.subject, new TextEncoder().encode(JSON.stringify(body)), { msgId: requestId });
  const end = await follower.done;
  const seconds = (performance.now() - t0) / 1000;
  await follower.stop();
  await saber.close();
  homes.push(home);
  if (end.kind !== 'completed') throw new Error(`embedded run ended ${end.kind}: ${JSON.stringify(end.event)}`);
  return seconds;
}

async function nats() {
  const { TestCluster } = require('@saber/saber');
  const { RunRequested, RunCompleted, RunFailed } = require('@saber/contracts');
  const perExecutor = Math.max(1, Math.floor(CONCURRENCY / 2));
  const cluster = new TestCluster({ SABER_EXECUTOR_CONCURRENCY: String(perExecutor), SABER_LOG_LEVEL: 'log', DATABASE_URL: process.env.DATABASE_URL ?? 'unused' });
  await cluster.start();
  try {
    await cluster.startService('planner');
    await cluster.startService('executor');
    await cluster.startService('executor');
    const requestId = `bench-${Date.now()}`;
    const t0 = performance.now();
    await cluster.publish(RunRequested.subject, RunRequested.parse({ requestId, workflow: { path: workflow }, inputs: { items } }), requestId);
    const end = await cluster.waitFor((e) => (e.subject === RunCompleted.subject || e.subject === RunFailed.subject) && e.body.runId === requestId, 600_000, 'run end');
    const seconds = (performance.now() - t0) / 1000;
    if (end.subject !== RunCompleted.subject) throw new Error(`nats run failed: ${JSON.stringify(end.body)}`);
    return seconds;
  } finally {
    await cluster.stop();
  }
}

const fmt = (x) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const bareS = await bare();
console.log(`bare spawn loop: ${N} processes in ${bareS.toFixed(2)} s (${fmt(N / bareS)} tasks/s, concurrency ${CONCURRENCY})`);
const bareNativeS = await bareNative();
console.log(`bare posix_spawn loop (saber-launch): ${N} processes in ${fmt(bareNativeS)} s (${fmt(N / bareNativeS)} tasks/s)`);
const embS = await embedded(true);
console.log(`embedded:        ${N} tasks in ${embS.toFixed(2)} s (${fmt(N / embS)} tasks/s)`);
const embBareS = await embedded(false);
console.log(`embedded, no catalog: ${N} tasks in ${embBareS.toFixed(2)} s (${fmt(N / embBareS)} tasks/s)`);
let natsS = NaN;
if (process.env.NATS_URL) {
  natsS = await nats();
  console.log(`nats, 2 executors: ${N} tasks in ${natsS.toFixed(2)} s (${fmt(N / natsS)} tasks/s)`);
} else {
  console.log('nats: skipped (set NATS_URL to a nats-server with JetStream)');
}
console.log(
  `dispatch: tasks=${N} concurrency=${CONCURRENCY} bare_tps=${fmt(N / bareS)} bare_posix_spawn_tps=${fmt(N / bareNativeS)} embedded_tps=${fmt(N / embS)} nats_tps=${fmt(N / natsS)} ` +
    `embedded_ratio=${fmt(embS / bareS)} embedded_nocatalog_ratio=${fmt(embBareS / bareS)} nats_ratio=${fmt(natsS / bareS)} goal_ratio=1.5`,
);
process.exit(0);
