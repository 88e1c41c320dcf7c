import type * as CliProgress from 'cli-progress';

/**
 * `cli-progress`, loaded when the first bar is drawn: with `--no-progress` or a
 * non-TTY stderr a command does not load it.
 */
export function cliProgress(): typeof CliProgress {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('cli-progress') as typeof CliProgress;
}
