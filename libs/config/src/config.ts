import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ENV } from './env';

/** Default milliseconds before an unacknowledged task is redelivered. */
export const DEFAULT_ACK_WAIT_MS = 30_000;
/** Default deliveries of one task message before dead-lettering. */
export const DEFAULT_MAX_DELIVER = 5;
/** Default attempts per step for retryable failures. */
export const DEFAULT_MAX_ATTEMPTS = 3;
/**
 * Default child runs per block of a sweep (first attempt plus one retry). A block's run
 * fails only after the planner's own step retries (`DEFAULT_MAX_ATTEMPTS`), so a
 * second whole-block attempt covers lost workers and flaky infrastructure.
 */
export const DEFAULT_SWEEP_MAX_ATTEMPTS = 2;
/** Default child runs one sweep keeps in flight, so a 10,000-block sweep does not flood the planner. */
export const DEFAULT_SWEEP_MAX_IN_FLIGHT = 32;
/** Bytes of block list a sweep message carries inline (below NATS's default 1 MiB max_payload, with room for the rest). */
export const DEFAULT_SWEEP_INLINE_LIMIT = 256 * 1024;
/** Default most scatter elements per task message. */
export const DEFAULT_TASK_BATCH = 16;
/**
 * Default of `SABER_CATALOG_LINGER_MS`: how long a catalog batch that is not full
 * waits before it is committed, in milliseconds. Events arriving meanwhile join the
 * batch. A transaction costs about the same few statements whatever its size, and
 * embedded PGlite blocks its thread while it commits, so without the wait a trickle
 * of events commits one event per transaction. The catalog lags the bus by at most
 * this much more. Measured on a 1,000-task embedded run (bench:dispatch, 2 cores):
 * 20 ms gave batches of a few events and 23 s; 200 ms, 13 s.
 */
export const DEFAULT_CATALOG_LINGER_MS = 200;
/** Default executor pool. */
export const DEFAULT_POOL = 'default';
/** Default Docker Engine endpoint (`DOCKER_HOST` unset), as the docker CLI and dockerode use. */
export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

const LogLevel = z.enum(['error', 'warn', 'log', 'debug', 'verbose']);

/** The `DOCKER_HOST` forms the docker backend accepts. */
const DOCKER_HOST_FORM = /^(unix:\/\/\/.+|tcp:\/\/[^/]+)$/;

const int = (min: number) => z.coerce.number().int().min(min);

/** The validated configuration every service starts from. */
export const SaberConfigSchema = z.object({
  /** NATS servers; empty: embedded mode. */
  natsServers: z.array(z.string().min(1)),
  databaseUrl: z.string().optional(),
  dbSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _ only').optional(),
  home: z.string(),
  workDir: z.string(),
  /** Step cache directory. */
  cacheDir: z.string(),
  namespace: z.string().regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only'),
  pool: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
  executorConcurrency: int(1),
  executorBackend: z.enum(['local', 'docker']),
  /** Docker Engine endpoint of the `docker` backend: `unix:///path` or `tcp://host:port` (checked only when that backend is chosen). */
  dockerHost: z.string(),
  /** What spawns the local backend's tool processes (see ENV.SABER_PROCESS_LAUNCHER). */
  processLauncher: z.enum(['auto', 'native', 'node']),
  /** Most scatter elements per task message; 1 sends one message per element. */
  taskBatch: int(1).max(1000),
  ackWaitMs: int(100),
  /** Milliseconds the catalog waits to gather events into one transaction. */
  catalogLingerMs: int(0).max(60_000),
  maxDeliver: int(1),
  maxAttempts: int(1),
  /** Child runs per block of a sweep at most. */
  sweepMaxAttempts: int(1).max(20),
  /** Child runs one sweep keeps in flight at most. */
  sweepMaxInFlight: int(1).max(10_000),
  /** Bytes of block list sent inline in merge.requested / sweep.completed; longer lists go to a file. */
  sweepInlineLimit: int(0),
  /** Undefined: the service's own default port. 0: no HTTP. */
  httpPort: int(0).max(65535).optional(),
  logLevel: LogLevel,
}).superRefine((c, ctx) => {
  if (c.executorBackend === 'docker' && !DOCKER_HOST_FORM.test(c.dockerHost)) {
    ctx.addIssue({ code: 'custom', path: ['dockerHost'], message: `'${c.dockerHost}' is not unix:///path/to/docker.sock or tcp://host:port` });
  }
});

/** Compiled configuration: defaults applied, values validated. */
export type SaberConfig = z.infer<typeof SaberConfigSchema>;

/** A configuration value that cannot be used. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Mode the process runs in, derived from the configuration. */
export function isEmbedded(config: SaberConfig): boolean {
  return config.natsServers.length === 0;
}

/**
 * Reads the environment (and explicit overrides, e.g. CLI flags) into a validated
 * {@link SaberConfig}. Throws {@link ConfigError} naming each bad variable.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<SaberConfig> = {},
): SaberConfig {
  const v = (name: keyof typeof ENV) => {
    const raw = env[ENV[name]];
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const home = resolve(overrides.home ?? v('SABER_HOME') ?? '.saber');
  const workDir = resolve(overrides.workDir ?? v('SABER_WORK_DIR') ?? resolve(home, 'work'));
  const raw = {
    natsServers: (v('NATS_URL') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    databaseUrl: v('DATABASE_URL'),
    dbSchema: v('SABER_DB_SCHEMA'),
    home,
    workDir,
    cacheDir: resolve(overrides.cacheDir ?? v('SABER_CACHE_DIR') ?? resolve(workDir, 'cache')),
    namespace: v('SABER_NAMESPACE') ?? '',
    pool: v('SABER_POOL') ?? DEFAULT_POOL,
    executorConcurrency: v('SABER_EXECUTOR_CONCURRENCY') ?? availableParallelism(),
    executorBackend: v('SABER_EXECUTOR_BACKEND') ?? 'local',
    dockerHost: v('DOCKER_HOST') ?? DEFAULT_DOCKER_HOST,
    processLauncher: v('SABER_PROCESS_LAUNCHER') ?? 'auto',
    taskBatch: v('SABER_TASK_BATCH') ?? DEFAULT_TASK_BATCH,
    ackWaitMs: v('SABER_ACK_WAIT_MS') ?? DEFAULT_ACK_WAIT_MS,
    catalogLingerMs: v('SABER_CATALOG_LINGER_MS') ?? DEFAULT_CATALOG_LINGER_MS,
    maxDeliver: v('SABER_MAX_DELIVER') ?? DEFAULT_MAX_DELIVER,
    maxAttempts: v('SABER_MAX_ATTEMPTS') ?? DEFAULT_MAX_ATTEMPTS,
    sweepMaxAttempts: v('SABER_SWEEP_MAX_ATTEMPTS') ?? DEFAULT_SWEEP_MAX_ATTEMPTS,
    sweepMaxInFlight: v('SABER_SWEEP_MAX_IN_FLIGHT') ?? DEFAULT_SWEEP_MAX_IN_FLIGHT,
    sweepInlineLimit: v('SABER_SWEEP_INLINE_LIMIT') ?? DEFAULT_SWEEP_INLINE_LIMIT,
    httpPort: v('SABER_HTTP_PORT'),
    logLevel: v('SABER_LOG_LEVEL') ?? 'log',
    ...overrides,
  };
  const parsed = SaberConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const names: Record<string, string> = {
      natsServers: ENV.NATS_URL, dbSchema: ENV.SABER_DB_SCHEMA, workDir: ENV.SABER_WORK_DIR, cacheDir: ENV.SABER_CACHE_DIR, namespace: ENV.SABER_NAMESPACE, pool: ENV.SABER_POOL,
      executorConcurrency: ENV.SABER_EXECUTOR_CONCURRENCY, executorBackend: ENV.SABER_EXECUTOR_BACKEND, dockerHost: ENV.DOCKER_HOST, processLauncher: ENV.SABER_PROCESS_LAUNCHER,
      taskBatch: ENV.SABER_TASK_BATCH, ackWaitMs: ENV.SABER_ACK_WAIT_MS, catalogLingerMs: ENV.SABER_CATALOG_LINGER_MS, maxDeliver: ENV.SABER_MAX_DELIVER, maxAttempts: ENV.SABER_MAX_ATTEMPTS,
      sweepMaxAttempts: ENV.SABER_SWEEP_MAX_ATTEMPTS, sweepMaxInFlight: ENV.SABER_SWEEP_MAX_IN_FLIGHT, sweepInlineLimit: ENV.SABER_SWEEP_INLINE_LIMIT,
      httpPort: ENV.SABER_HTTP_PORT, logLevel: ENV.SABER_LOG_LEVEL,
    };
    const problems = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
