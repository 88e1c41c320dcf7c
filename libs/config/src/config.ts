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
/** Default executor pool. */
export const DEFAULT_POOL = 'default';

const LogLevel = z.enum(['error', 'warn', 'log', 'debug', 'verbose']);

const int = (min: number) => z.coerce.number().int().min(min);

/** The validated configuration every service starts from. */
export const SaberConfigSchema = z.object({
  /** NATS servers; empty: embedded mode. */
  natsServers: z.array(z.string().min(1)),
  databaseUrl: z.string().optional(),
  dbSchema: z.string().regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits and _ only').optional(),
  home: z.string(),
  workDir: z.string(),
  namespace: z.string().regex(/^[a-z0-9_-]*$/, 'lower-case letters, digits, - and _ only'),
  pool: z.string().regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, - and _ only'),
  executorConcurrency: int(1),
  executorBackend: z.enum(['local']),
  ackWaitMs: int(100),
  maxDeliver: int(1),
  maxAttempts: int(1),
  /** Undefined: the service's own default port. 0: no HTTP. */
  httpPort: int(0).max(65535).optional(),
  logLevel: LogLevel,
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
  const raw = {
    natsServers: (v('NATS_URL') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    databaseUrl: v('DATABASE_URL'),
    dbSchema: v('SABER_DB_SCHEMA'),
    home,
    workDir: resolve(v('SABER_WORK_DIR') ?? resolve(home, 'work')),
    namespace: v('SABER_NAMESPACE') ?? '',
    pool: v('SABER_POOL') ?? DEFAULT_POOL,
    executorConcurrency: v('SABER_EXECUTOR_CONCURRENCY') ?? availableParallelism(),
    executorBackend: v('SABER_EXECUTOR_BACKEND') ?? 'local',
    ackWaitMs: v('SABER_ACK_WAIT_MS') ?? DEFAULT_ACK_WAIT_MS,
    maxDeliver: v('SABER_MAX_DELIVER') ?? DEFAULT_MAX_DELIVER,
    maxAttempts: v('SABER_MAX_ATTEMPTS') ?? DEFAULT_MAX_ATTEMPTS,
    httpPort: v('SABER_HTTP_PORT'),
    logLevel: v('SABER_LOG_LEVEL') ?? 'log',
    ...overrides,
  };
  const parsed = SaberConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const names: Record<string, string> = {
      natsServers: ENV.NATS_URL, dbSchema: ENV.SABER_DB_SCHEMA, workDir: ENV.SABER_WORK_DIR, namespace: ENV.SABER_NAMESPACE, pool: ENV.SABER_POOL,
      executorConcurrency: ENV.SABER_EXECUTOR_CONCURRENCY, executorBackend: ENV.SABER_EXECUTOR_BACKEND,
      ackWaitMs: ENV.SABER_ACK_WAIT_MS, maxDeliver: ENV.SABER_MAX_DELIVER, maxAttempts: ENV.SABER_MAX_ATTEMPTS,
      httpPort: ENV.SABER_HTTP_PORT, logLevel: ENV.SABER_LOG_LEVEL,
    };
    const problems = parsed.error.issues.map((i) => `${names[String(i.path[0])] ?? String(i.path[0])}: ${i.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}
