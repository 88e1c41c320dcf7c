import { CwlExecutionError } from '@saber/cwl';

/** The Docker engine did not answer at start-up (`GET /_ping`); the executor cannot serve the docker backend. */
export class DockerEngineUnavailableError extends Error {
  override readonly name = 'DockerEngineUnavailableError';
  /** Starting again later may succeed (the engine may be starting). */
  readonly retryable = true;
  constructor(readonly dockerHost: string, cause: unknown) {
    super(
      `the docker backend cannot reach the Docker engine at ${dockerHost} (DOCKER_HOST): ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/**
 * The image a DockerRequirement names cannot be provided: not found, pull or build
 * failed. A missing image is not retryable; a failed transfer is.
 */
export class DockerImageError extends CwlExecutionError {
  constructor(readonly image: string, detail: string, options: { retryable: boolean; cause?: unknown }) {
    super(`Docker image ${image}: ${detail}`, options);
  }
}

/** A Docker Engine API call failed while running a container (an engine problem, retryable). */
export class DockerEngineError extends Error {
  override readonly name = 'DockerEngineError';
  readonly retryable = true;
  /** HTTP status of the failed call, when the engine answered. */
  readonly statusCode?: number;
  constructor(action: string, cause: unknown) {
    super(`Docker engine: ${action} failed: ${engineMessage(cause)}`, { cause });
    this.statusCode = (cause as { statusCode?: number })?.statusCode;
  }
}

/**
 * The engine's own message of a failed call (`{"message": ...}` body) with its HTTP
 * status, or the transport error's message.
 */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: unknown }; message?: string; statusCode?: number } | undefined;
  if (typeof e?.json?.message === 'string') return `${e.json.message} (HTTP ${e.statusCode})`;
  const text = (e?.message ?? String(err)).trim();
  // dockerode's form for streamed calls: "(HTTP code 404) unexpected - <engine message>".
  const m = /^\(HTTP code (\d+)\) [^-]*- ([\s\S]*)$/.exec(text);
  return m ? `${m[2].trim()} (HTTP ${m[1]})` : text;
}

/** HTTP status of a dockerode error, `undefined` for transport errors. */
export function statusOf(err: unknown): number | undefined {
  return (err as { statusCode?: number })?.statusCode;
}
