/**
 * Options of the remote cutout drivers: defaults with units, validated once per opened
 * volume into a compiled form.
 */
import { VOLUME_ENV } from '../../env';
import type { RemoteVolumeOptions } from '../../volume.types';

/** Defaults of {@link RemoteVolumeOptions}. */
export const DEFAULT_REMOTE_OPTIONS = {
  /** Voxels per cutout request: 2^24 (16 MiB of uint8, 128 MiB of uint64; bossDB refuses cutouts over 500 MB). */
  maxVoxelsPerRequest: 1 << 24,
  /** Requests in flight per read or write. */
  concurrency: 4,
  /** Extra attempts after a retryable failure. */
  retries: 3,
  /** First back-off, milliseconds (doubled per attempt). */
  retryDelayMs: 250,
  /** Per-request limit, milliseconds. */
  timeoutMs: 120_000,
} as const;

/** Longest back-off between two attempts, milliseconds. */
export const MAX_RETRY_DELAY_MS = 10_000;

/** Validated remote options. */
export interface CompiledRemoteOptions {
  maxVoxelsPerRequest: number;
  concurrency: number;
  retries: number;
  retryDelayMs: number;
  timeoutMs: number;
  /** bossDB token, or undefined for anonymous requests. */
  bossToken: string | undefined;
}

function integer(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new RangeError(`remote option ${name} must be an integer >= ${min}, got ${String(value)}`);
  return value;
}

/**
 * Applies defaults and validates; the bossDB token falls back to `BOSS_TOKEN` (an empty
 * value counts as unset). Throws `RangeError` naming the bad option.
 */
export function compileRemoteOptions(options: RemoteVolumeOptions | undefined, env: NodeJS.ProcessEnv = process.env): CompiledRemoteOptions {
  const o = options ?? {};
  const d = DEFAULT_REMOTE_OPTIONS;
  const token = o.bossToken ?? env[VOLUME_ENV.BOSS_TOKEN];
  return {
    maxVoxelsPerRequest: integer('maxVoxelsPerRequest', o.maxVoxelsPerRequest, d.maxVoxelsPerRequest, 1),
    concurrency: integer('concurrency', o.concurrency, d.concurrency, 1),
    retries: integer('retries', o.retries, d.retries, 0),
    retryDelayMs: integer('retryDelayMs', o.retryDelayMs, d.retryDelayMs, 0),
    timeoutMs: integer('timeoutMs', o.timeoutMs, d.timeoutMs, 1),
    bossToken: token === undefined || token.trim() === '' ? undefined : token.trim(),
  };
}
