/**
 * HTTP for the remote cutout drivers: Node's global `fetch` with a timeout per request,
 * retries with exponential back-off on 5xx, 429, 408, timeouts and network failures, and
 * HTTP failures mapped to the library's error classes. Credentials travel only in request
 * headers; any text copied from a response into a message has them masked.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { VolumeAuthError, VolumeError, VolumeNotFoundError, VolumeStorageError } from '../../errors/volume-errors';
import { MAX_RETRY_DELAY_MS, type CompiledRemoteOptions } from './remote-options';

/** One request to a remote service. */
export interface RemoteRequest {
  method: 'GET' | 'POST';
  /** Absolute URL; never holds credentials. */
  url: string;
  /** Extra headers (Accept, Content-Type). */
  headers?: Record<string, string>;
  body?: Uint8Array;
  /** What the request is about, for messages: `bossDB channel c/e/ch`, `cutout x 0:64, y 0:64, z 0:8`. */
  what: string;
  /**
   * Statuses that mean "no such resource" (`VolumeNotFoundError`). Default `[404]`; DVID
   * answers 400 when a UUID or data name does not resolve.
   */
  notFound?: readonly number[];
}

/** How a {@link RemoteClient} talks to one service for one volume. */
export interface RemoteClientConfig {
  /** The volume URI every message starts with. */
  uri: string;
  /** `bossDB` or `DVID`, for messages. */
  service: string;
  options: CompiledRemoteOptions;
  /** Headers sent with every request (e.g. `Authorization`). Never copied into messages. */
  headers?: Record<string, string>;
  /** Strings masked as `[redacted]` in any response text quoted in a message. */
  secrets?: readonly string[];
  /** Appended to 401/403 messages: how to fix the credentials. */
  authHint?: string;
}

/** Longest part of a response body quoted in an error message, characters. */
const MAX_DETAIL = 300;

/** True for statuses worth retrying unchanged. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Talks to one remote service on behalf of one volume. */
export class RemoteClient {
  constructor(private readonly config: RemoteClientConfig) {}

  /** The response body of a successful (2xx) request. Throws a `VolumeError` otherwise. */
  async fetchBytes(req: RemoteRequest): Promise<Uint8Array> {
    const { options } = this.config;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch(req.url, {
          method: req.method,
          headers: { ...req.headers, ...this.config.headers },
          body: req.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        if (res.ok) return new Uint8Array(await res.arrayBuffer());
        const detail = await this.detail(res);
        if (isRetryableStatus(res.status) && attempt <= options.retries) {
          await this.backOff(attempt);
          continue;
        }
        throw this.statusError(req, res.status, detail, attempt);
      } catch (err) {
        if (err instanceof VolumeError) throw err;
        if (attempt <= options.retries) {
          await this.backOff(attempt);
          continue;
        }
        throw new VolumeStorageError(this.config.uri, `${req.what}: ${describeFailure(err, options.timeoutMs)} (${req.method} ${req.url}, ${plural(attempt, 'attempt')})`, { cause: err, retryable: true });
      }
    }
  }

  /** The parsed JSON body of a successful GET. A body that is not JSON is a `VolumeStorageError`. */
  async fetchJson(req: Omit<RemoteRequest, 'method'>): Promise<unknown> {
    const bytes = await this.fetchBytes({ ...req, method: 'GET', headers: { Accept: 'application/json', ...req.headers } });
    try {
      return JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch (cause) {
      throw new VolumeStorageError(this.config.uri, `${req.what}: ${this.config.service} answered GET ${req.url} with a body that is not JSON`, { cause, retryable: false });
    }
  }

  private async backOff(attempt: number): Promise<void> {
    const delay = Math.min(this.config.options.retryDelayMs * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS);
    if (delay > 0) await sleep(delay);
  }

  /** The server's explanation: a JSON `message`/`detail`/`error` field, or the start of the text; secrets masked. */
  private async detail(res: Response): Promise<string> {
    let text: string;
    try {
      text = await res.text();
    } catch {
      return '';
    }
    let found = text;
    try {
      const body = JSON.parse(text) as Record<string, unknown>;
      const field = [body?.message, body?.detail, body?.error].find((v) => typeof v === 'string');
      if (typeof field === 'string') found = field;
    } catch {
      // not JSON: quote the text
    }
    found = found.replace(/\s+/g, ' ').trim();
    for (const secret of this.config.secrets ?? []) if (secret) found = found.split(secret).join('[redacted]');
    return found.length > MAX_DETAIL ? `${found.slice(0, MAX_DETAIL)}...` : found;
  }

  private statusError(req: RemoteRequest, status: number, detail: string, attempts: number): VolumeError {
    const { uri, authHint } = this.config;
    const answer = `HTTP ${status} from ${req.method} ${req.url}${detail ? `: ${detail}` : ''}`;
    if ((req.notFound ?? [404]).includes(status)) return new VolumeNotFoundError(uri, `${req.what} not found (${answer})`);
    if (status === 401 || status === 403) {
      return new VolumeAuthError(uri, status, `access to ${req.what} was denied (${answer})${authHint ? `; ${authHint}` : ''}`);
    }
    if (isRetryableStatus(status)) {
      return new VolumeStorageError(uri, `${req.what}: ${answer} (${plural(attempts, 'attempt')})`, { retryable: true });
    }
    return new VolumeStorageError(uri, `request for ${req.what} refused (${answer})`, { retryable: false });
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const reason = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return `network error (${reason})`;
}
