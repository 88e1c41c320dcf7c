/**
 * Every environment variable SABER reads, in one place. The README's configuration
 * table is generated from this list; defaults and units are in {@link loadConfig}.
 */
export const ENV = {
  /** NATS server URL(s), comma-separated. Unset: embedded mode (in-process bus). */
  NATS_URL: 'NATS_URL',
  /** PostgreSQL URL of the catalog. Unset: embedded PGlite under `$SABER_HOME/catalog`. */
  DATABASE_URL: 'DATABASE_URL',
  /** PostgreSQL schema of the catalog's tables (default `public`); lets deployments share a database. */
  SABER_DB_SCHEMA: 'SABER_DB_SCHEMA',
  /** Directory of SABER's local state (embedded catalog, work dirs). */
  SABER_HOME: 'SABER_HOME',
  /** Directory (shared by all executors in distributed mode) where task outputs are written. */
  SABER_WORK_DIR: 'SABER_WORK_DIR',
  /** Directory of the step cache (shared by all executors in distributed mode); default `$SABER_WORK_DIR/cache`. */
  SABER_CACHE_DIR: 'SABER_CACHE_DIR',
  /** Prefix isolating streams, subjects and buckets of one deployment on a shared NATS server. */
  SABER_NAMESPACE: 'SABER_NAMESPACE',
  /** Executor pool this executor serves (`saber: queue` of a step picks the pool). */
  SABER_POOL: 'SABER_POOL',
  /** Tasks one executor process runs at once. */
  SABER_EXECUTOR_CONCURRENCY: 'SABER_EXECUTOR_CONCURRENCY',
  /** Executor backend: `local` (processes) or `docker` (tools with a DockerRequirement in containers); `batch` later. */
  SABER_EXECUTOR_BACKEND: 'SABER_EXECUTOR_BACKEND',
  /**
   * Docker Engine endpoint of the `docker` backend, as for the docker CLI: `unix:///path/docker.sock`
   * or `tcp://host:port` (TLS with `DOCKER_TLS_VERIFY=1` / `DOCKER_CERT_PATH`, read by dockerode).
   */
  DOCKER_HOST: 'DOCKER_HOST',
  /**
   * What spawns the `local` backend's tool processes: `native` (the posix_spawn helper that
   * `npm run build` compiles with a C compiler), `node` (a Node fork server), or `auto`
   * (default: `native` when it was built, else `node`).
   */
  SABER_PROCESS_LAUNCHER: 'SABER_PROCESS_LAUNCHER',
  /**
   * Loops of `@saber/imaging` a tool process runs (read by the tools, not the services):
   * `native` (the compiled kernels `npm run build` makes with a C compiler; an error when not
   * built), `js` (the TypeScript loops), `auto` (default: `native` when built).
   */
  SABER_IMAGING_KERNELS: 'SABER_IMAGING_KERNELS',
  /** Most scatter elements the planner sends in one task message (1: one message per element). */
  SABER_TASK_BATCH: 'SABER_TASK_BATCH',
  /** Milliseconds a task may go without ack or heartbeat before redelivery. */
  SABER_ACK_WAIT_MS: 'SABER_ACK_WAIT_MS',
  /** Deliveries of one task message before it is dead-lettered. */
  SABER_MAX_DELIVER: 'SABER_MAX_DELIVER',
  /** Attempts per step for retryable failures. */
  SABER_MAX_ATTEMPTS: 'SABER_MAX_ATTEMPTS',
  /** Child runs per block of a sweep at most (first attempt plus retries), unless the request sets `policy.maxAttempts`. */
  SABER_SWEEP_MAX_ATTEMPTS: 'SABER_SWEEP_MAX_ATTEMPTS',
  /** Child runs one sweep keeps in flight at most, unless the request sets `policy.maxInFlight`. */
  SABER_SWEEP_MAX_IN_FLIGHT: 'SABER_SWEEP_MAX_IN_FLIGHT',
  /**
   * Bytes of block list a sweep's `merge.requested` or `sweep.completed` carries inline at most
   * (default 262144); a longer list goes to a JSON file under the work directory, which the
   * message names (`blocksFile`, `iterationsFile`).
   */
  SABER_SWEEP_INLINE_LIMIT: 'SABER_SWEEP_INLINE_LIMIT',
  /** Milliseconds the catalog waits to gather events into one transaction (default 200). */
  SABER_CATALOG_LINGER_MS: 'SABER_CATALOG_LINGER_MS',
  /** Port of the service's HTTP endpoints (health, query API); 0 disables HTTP. */
  SABER_HTTP_PORT: 'SABER_HTTP_PORT',
  /** error | warn | log | debug | verbose. */
  SABER_LOG_LEVEL: 'SABER_LOG_LEVEL',
} as const;

/** Standard OpenTelemetry variables SABER honours (read by the OpenTelemetry SDK itself). */
export const OTEL_ENV = [
  'OTEL_SDK_DISABLED',
  'OTEL_SERVICE_NAME',
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_RESOURCE_ATTRIBUTES',
] as const;
