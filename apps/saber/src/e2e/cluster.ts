import { JetStreamBus, type BusMessage, type Subscription } from '@saber/bus';
import { Filters } from '@saber/contracts';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root (tests run from compiled files under apps/saber/dist). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** A service process started by a test. */
export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  /** SIGKILL, no clean-up: a crash. */
  kill(): void;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

/**
 * A throw-away SABER deployment for integration tests: a fresh namespace on the
 * NATS server of NATS_URL, a fresh schema on the PostgreSQL of DATABASE_URL, a temp
 * work directory, and service processes started on demand.
 */
export class TestCluster {
  readonly namespace = `t${randomBytes(5).toString('hex')}`;
  readonly workDir = mkdtempSync(join(tmpdir(), 'saber-e2e-'));
  readonly services: ServiceProcess[] = [];
  readonly events: Array<{ subject: string; body: Record<string, unknown>; headers: Record<string, string> }> = [];
  readonly client: JetStreamBus;
  private sub?: Subscription;

  /**
   * `options.observe`: the events recorded in {@link events} (a subject filter; default
   * every event). A benchmark records only `Filters.runEvents`, so that the observer
   * does not compete for the CPU with what it measures.
   */
  constructor(readonly extraEnv: Record<string, string> = {}, private readonly options: { observe?: string } = {}) {
    const nats = process.env.NATS_URL;
    if (!nats) throw new Error('integration tests need NATS_URL (npm test provides it, see test/servers.mjs)');
    this.client = new JetStreamBus({ servers: nats.split(','), name: 'e2e-client', namespace: this.namespace, kvBuckets: ['saber-runs', 'saber-tasks'] });
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      NATS_URL: process.env.NATS_URL,
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      SABER_DB_SCHEMA: this.namespace,
      SABER_NAMESPACE: this.namespace,
      SABER_WORK_DIR: this.workDir,
      SABER_HTTP_PORT: '0',
      SABER_LOG_LEVEL: 'log',
      ...this.extraEnv,
      ...extra,
    };
  }

  /** Starts the bus client and records the events of the namespace (see the constructor's `observe`). */
  async start(): Promise<void> {
    await this.client.start();
    this.sub = await this.client.consume({ stream: 'events', filterSubject: this.options.observe ?? Filters.allEvents, deliver: 'all', concurrency: 1 }, async (m: BusMessage) => {
      let body: Record<string, unknown> = {};
      try {
        body = m.json<Record<string, unknown>>();
      } catch {
        body = { malformed: true };
      }
      this.events.push({ subject: m.subject, body, headers: m.headers });
    });
  }

  /** Starts `node services/<name>/dist/main.js` and waits for its start-up line. */
  async startService(name: string, extra: Record<string, string> = {}): Promise<ServiceProcess> {
    // SABER_TEST_NODE_ARGS: extra node flags for service processes (e.g. --cpu-prof when profiling).
    const nodeArgs = (process.env.SABER_TEST_NODE_ARGS ?? '').split(' ').filter(Boolean);
    const child = spawn(process.execPath, [...nodeArgs, join(REPO_ROOT, 'services', name, 'dist', 'main.js')], {
      cwd: REPO_ROOT,
      env: this.env(extra),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const svc: ServiceProcess = {
      name,
      child,
      output,
      kill: () => child.kill('SIGKILL'),
      stop: () =>
        new Promise<void>((r) => {
          if (child.exitCode !== null || child.signalCode !== null) return r();
          child.once('exit', () => r());
          child.kill('SIGTERM');
        }),
    };
    this.services.push(svc);
    await new Promise<void>((resolveStarted, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 30 s:\n${output.join('')}`)), 30_000);
      const onData = (c: Buffer) => {
        output.push(c.toString());
        if (output.join('').includes(`saber-${name} started`)) {
          clearTimeout(timer);
          resolveStarted();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with ${code} during start-up:\n${output.join('')}`));
      });
    });
    child.removeAllListeners('exit');
    return svc;
  }

  /** Publishes raw bytes on a subject (for malformed-message tests). */
  async publishRaw(subject: string, data: string, msgId: string): Promise<void> {
    await this.client.publish(subject, new TextEncoder().encode(data), { msgId });
  }

  /** Publishes a JSON payload. */
  async publish(subject: string, payload: unknown, msgId: string): Promise<void> {
    await this.publishRaw(subject, JSON.stringify(payload), msgId);
  }

  /** Waits until an event matching `pred` has been seen. */
  async waitFor(pred: (e: { subject: string; body: Record<string, unknown> }) => boolean, timeoutMs = 30_000, what = 'event') {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(pred);
      if (hit) return hit;
      if (Date.now() > until) {
        const logs = this.services.map((s) => `--- ${s.name} ---\n${s.output.join('').slice(-3000)}`).join('\n');
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; saw ${this.events.length} events\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    await this.sub?.stop();
    await this.client.close();
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
