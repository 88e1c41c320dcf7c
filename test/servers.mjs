// Provides the servers integration tests need.
// - NATS_URL / DATABASE_URL set: used as they are.
// - otherwise: a throw-away nats-server (JetStream, temp store) and a throw-away PostgreSQL
//   cluster (initdb + postgres in a temp dir) are started when their binaries are installed;
// - otherwise: containers through testcontainers, when a container runtime answers;
// - otherwise: fails with a message that says how to provide them.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function which(cmd, extra = []) {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...extra]) {
    const p = join(dir, cmd);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const c = connect(port, '127.0.0.1');
      c.once('connect', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on port ${port} did not start within ${ms} ms`);
}

function pgBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(base, v, 'bin', 'initdb'))) return join(base, v, 'bin');
  return null;
}

const HOW = 'Set NATS_URL (a nats-server started with -js) and DATABASE_URL (postgres://...), ' +
  'or install nats-server and PostgreSQL (Debian: apt-get install nats-server postgresql) ' +
  'so that the test runner can start throw-away servers, or run a container runtime (Docker) for testcontainers.';

/** Starts a container with testcontainers; null when no container runtime answers. */
async function container(image, port, configure) {
  let tc;
  try {
    tc = await import('testcontainers');
  } catch {
    return null;
  }
  try {
    const started = await configure(new tc.GenericContainer(image).withExposedPorts(port)).start();
    return { url: (scheme, path = '') => `${scheme}://${started.getHost()}:${started.getMappedPort(port)}${path}`, stop: () => started.stop() };
  } catch {
    return null; // no Docker/Podman socket: fall through to the error below
  }
}

export async function provideServers() {
  const env = {};
  const stops = [];
  const dirs = [];
  if (!process.env.NATS_URL && !which('nats-server', ['/usr/sbin', '/usr/local/bin'])) {
    const c = await container('nats:2.10-alpine', 4222, (g) => g.withCommand(['-js']));
    if (!c) throw new Error(`NATS_URL is not set, nats-server is not installed and no container runtime answers. ${HOW}`);
    stops.push(() => void c.stop());
    env.NATS_URL = c.url('nats');
  }
  if (!process.env.DATABASE_URL && !pgBinDir()) {
    const c = await container('postgres:15-alpine', 5432, (g) => g.withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' }));
    if (!c) throw new Error(`DATABASE_URL is not set, PostgreSQL is not installed and no container runtime answers. ${HOW}`);
    stops.push(() => void c.stop());
    env.DATABASE_URL = c.url('postgres', '/postgres').replace('postgres://', 'postgres://postgres@');
  }
  if (!process.env.NATS_URL && !env.NATS_URL) {
    const bin = which('nats-server', ['/usr/sbin', '/usr/local/bin']);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'saber-nats-'));
    dirs.push(dir);
    const p = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    stops.push(() => p.kill('SIGTERM'));
    await waitForPort(port, 10_000);
    env.NATS_URL = `nats://127.0.0.1:${port}`;
  }
  if (!process.env.DATABASE_URL && !env.DATABASE_URL) {
    const bin = pgBinDir();
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'saber-pg-'));
    dirs.push(dir);
    const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (asUser.length) spawnSync('chown', ['-R', 'postgres', dir]);
    const run = (cmd, args) => spawnSync(asUser[0] ?? cmd, asUser.length ? [...asUser.slice(1), cmd, ...args] : args, { encoding: 'utf8' });
    const init = run(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
    if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
    const args = ['-D', join(dir, 'data'), '-p', String(port), '-k', dir, '-h', '127.0.0.1', '-c', 'fsync=off'];
    const p = asUser.length
      ? spawn(asUser[0], [...asUser.slice(1), join(bin, 'postgres'), ...args], { stdio: 'ignore' })
      : spawn(join(bin, 'postgres'), args, { stdio: 'ignore' });
    stops.push(() => p.kill('SIGINT'));
    await waitForPort(port, 20_000);
    await new Promise((r) => setTimeout(r, 500));
    env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/postgres`;
  }
  return {
    env,
    stop: async () => {
      for (const s of stops) s();
      await new Promise((r) => setTimeout(r, 300));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    },
  };
}
