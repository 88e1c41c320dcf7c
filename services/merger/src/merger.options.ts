import { resolve } from 'node:path';
import type { SaberConfig } from '@saber/config';
import type { Connectivity } from '@saber/imaging';

/** Every environment variable the merger reads (besides the shared ones in `@saber/config`). */
export const MERGER_ENV = {
  /** Directory the merger writes stitched results into. Default `$SABER_WORK_DIR/merge`. */
  SABER_MERGE_DIR: 'SABER_MERGE_DIR',
  /**
   * Connectivity (6, 18 or 26) for joining core-only segmentations across block faces when
   * the group's parameters name none (`connectivity`). Default 26.
   */
  SABER_MERGE_CONNECTIVITY: 'SABER_MERGE_CONNECTIVITY',
} as const;

/** Default connectivity of adjacency stitching. */
export const DEFAULT_MERGE_CONNECTIVITY: Connectivity = 26;

/** Compiled merger options. */
export interface MergerOptions {
  /** Absolute directory of the results; one folder per merge request below it. */
  readonly outputDir: string;
  /** Connectivity of adjacency stitching when the request's parameters give none. */
  readonly connectivity: Connectivity;
}

/** Injection token of {@link MergerOptions}. */
export const MERGER_OPTIONS = Symbol.for('saber.merger.options');

/** A merger setting that cannot be used. */
export class MergerConfigError extends Error {
  override readonly name = 'MergerConfigError';
}

/** Reads and validates the merger's options once, at start-up. */
export function loadMergerOptions(config: Pick<SaberConfig, 'workDir'>, env: NodeJS.ProcessEnv = process.env): MergerOptions {
  const dir = env[MERGER_ENV.SABER_MERGE_DIR];
  const conn = env[MERGER_ENV.SABER_MERGE_CONNECTIVITY];
  const connectivity = conn === undefined || conn === '' ? DEFAULT_MERGE_CONNECTIVITY : Number(conn);
  if (connectivity !== 6 && connectivity !== 18 && connectivity !== 26) {
    throw new MergerConfigError(`${MERGER_ENV.SABER_MERGE_CONNECTIVITY}: must be 6, 18 or 26, got "${conn}"`);
  }
  return { outputDir: resolve(dir ? dir : resolve(config.workDir, 'merge')), connectivity };
}
