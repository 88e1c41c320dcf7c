/**
 * A local HTTP server for the remote drivers' tests: routes requests to a handler, records
 * them, tracks how many are in flight, and injects faults (an error status, a delay, a
 * damaged body) into the next matching requests.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the handler sees it. */
export interface FakeRequest {
  method: string;
  /** Path without the query string, not decoded. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** What the handler answers. */
export interface FakeResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** A fault for the next matching requests. */
export interface Fault {
  /** Answer with this status (and `body`) instead of calling the handler. */
  status?: number;
  body?: string;
  /** Wait this long before answering (longer than the client's timeout: a timeout). */
  delayMs?: number;
  /** Damage the handler's 2xx body: cut it in half, or replace it with bytes that decode as nothing. */
  damage?: 'truncate' | 'garbage';
}

/** A recorded request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  bodyBytes: number;
}

interface PendingFault {
  method: string;
  pattern: RegExp;
  remaining: number;
  fault: Fault;
}

/** A started fake server; `close` stops it. */
export class FakeHttpServer {
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Most requests in flight at once. */
  maxInFlight = 0;
  /** Delay before every answer, milliseconds: makes overlapping requests observable. */
  latencyMs = 0;
  private inFlight = 0;
  private faults: PendingFault[] = [];

  private constructor(private readonly server: Server, readonly url: string) {}

  /** Starts a server on 127.0.0.1 on a free port. */
  static async start(handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): Promise<FakeHttpServer> {
    const holder: { self?: FakeHttpServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const url = new URL(req.url ?? '/', 'http://fake');
        const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body };
        void holder.self!.serve(request, handler).then(
          (answer) => {
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
          },
          (err: unknown) => {
            res.writeHead(500, { 'Content-Type': 'text/plain' });
            res.end(String(err));
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.self = new FakeHttpServer(server, `127.0.0.1:${port}`);
    return holder.self;
  }

  /** Applies `fault` to the next `count` requests whose method and path match. */
  failNext(method: string, pattern: RegExp, count: number, fault: Fault): void {
    this.faults.push({ method, pattern, remaining: count, fault });
  }

  /** Forgets the recorded requests and the in-flight maximum. */
  resetLog(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async serve(req: FakeRequest, handler: (req: FakeRequest) => FakeResponse | Promise<FakeResponse>): Promise<FakeResponse> {
    this.requests.push({ method: req.method, path: req.path, headers: req.headers, bodyBytes: req.body.length });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      const pending = this.faults.find((f) => f.remaining > 0 && f.method === req.method && f.pattern.test(req.path));
      if (pending) pending.remaining--;
      const fault = pending?.fault;
      if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.status) return { status: fault.status, headers: { 'Content-Type': 'text/plain' }, body: fault.body ?? '' };
      const answer = await handler(req);
      if (fault?.damage && answer.status < 300 && answer.body !== undefined) {
        const body = Buffer.from(answer.body);
        answer.body = fault.damage === 'truncate' ? body.subarray(0, Math.floor(body.length / 2)) : Buffer.alloc(body.length, 0x5a);
      }
      return answer;
    } finally {
      this.inFlight--;
    }
  }
}

/** A JSON answer. */
export function json(status: number, value: unknown): FakeResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** A plain-text answer. */
export function text(status: number, value: string): FakeResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: value };
}
