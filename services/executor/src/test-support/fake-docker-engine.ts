import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Writable } from 'node:stream';

/** One request the fake engine received (API version prefix removed). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, when there was one. */
  body?: unknown;
}

/** What the fake engine starts with. */
export interface FakeEngineOptions {
  /** Images present from the start: reference → image id (`sha256:...`). */
  images?: Record<string, string>;
  /** Images a pull can fetch ("the registry"): reference → image id. Others answer 404. */
  registry?: Record<string, string>;
  /** References whose pull answers 200 but reports this error in the progress stream. */
  pullErrors?: Record<string, string>;
  /** Reference and id of the image `POST /images/load` loads. */
  loadable?: { ref: string; id: string };
}

interface FakeContainer {
  id: string;
  config: CreateBody;
  state: 'created' | 'running' | 'exited';
  exitCode?: number;
  child?: ChildProcess;
  /** Attached output connections (multiplexed frames). */
  sinks: Writable[];
  /** Stdin from a hijacked attachment, buffered until start. */
  stdin?: PassThrough;
  waiters: (() => void)[];
  killedBy?: string;
}

interface CreateBody {
  Image: string;
  Cmd: string[];
  WorkingDir: string;
  Env?: string[];
  OpenStdin?: boolean;
  HostConfig?: { Binds?: string[]; Mounts?: { Source: string; Target: string }[] };
}

/**
 * A Docker Engine API server for tests, on a unix socket in a temporary directory.
 * It implements the endpoints dockerode uses to run a tool (`GET /_ping`,
 * `GET /images/{name}/json`, `POST /images/create`, `POST /images/load`, `POST /build`,
 * `POST /containers/create`, `POST /containers/{id}/attach` plain and hijacked,
 * `.../start`, `.../wait`, `.../kill`, `GET /containers/{id}/json`,
 * `DELETE /containers/{id}`) with the documented status codes and stream format.
 * A "container" runs its `Cmd` as a local process: container paths in the command,
 * working directory and environment are rewritten to the host sources of the
 * container's bind mounts, so files written to the container outdir appear in the
 * host outdir. Every request is recorded.
 */
export class FakeDockerEngine {
  readonly requests: RecordedRequest[] = [];
  readonly images = new Map<string, string>();
  readonly containers = new Map<string, FakeContainer>();
  /** Bytes of the last `POST /images/load` and `POST /build` bodies. */
  readonly uploads: { path: string; bytes: number }[] = [];

  private constructor(
    private readonly server: Server,
    private readonly dir: string,
    readonly socketPath: string,
    private readonly options: FakeEngineOptions,
  ) {
    for (const [ref, id] of Object.entries(options.images ?? {})) this.images.set(ref, id);
  }

  /** `DOCKER_HOST` value of this engine. */
  get dockerHost(): string {
    return `unix://${this.socketPath}`;
  }

  /** Starts a fake engine listening on a fresh unix socket. */
  static async start(options: FakeEngineOptions = {}): Promise<FakeDockerEngine> {
    const dir = mkdtempSync(join(tmpdir(), 'fake-docker-'));
    const socketPath = join(dir, 'docker.sock');
    const server = createServer();
    const engine = new FakeDockerEngine(server, dir, socketPath, options);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void engine.handle(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => engine.upgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    return engine;
  }

  /** Stops the server and kills what still runs. */
  async close(): Promise<void> {
    for (const c of this.containers.values()) c.child?.kill('SIGKILL');
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Requests as `METHOD /path` lines, for asserting the call sequence. */
  calls(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    const raw = await readBody(req);
    const record: RecordedRequest = { method: req.method ?? 'GET', path, query: Object.fromEntries(url.searchParams) };
    if (raw.length > 0 && (req.headers['content-type'] ?? '').includes('json')) record.body = JSON.parse(raw.toString('utf8'));
    this.requests.push(record);
    const q = record.query;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/_ping') return text(res, 200, 'OK');
    if (req.method === 'GET' && (m = /^\/images\/(.+)\/json$/.exec(path))) {
      const id = this.image(decodeURIComponent(m[1]));
      return id ? json(res, 200, { Id: id, RepoTags: [decodeURIComponent(m[1])], RepoDigests: [] }) : json(res, 404, { message: `No such image: ${m[1]}` });
    }
    if (req.method === 'POST' && path === '/images/create') {
      const ref = q.tag?.startsWith('sha256:') ? `${q.fromImage}@${q.tag}` : `${q.fromImage}:${q.tag ?? 'latest'}`;
      const failure = this.options.pullErrors?.[ref];
      if (failure) return progress(res, [{ status: `Pulling from ${q.fromImage}` }, { errorDetail: { message: failure }, error: failure }]);
      const id = this.options.registry?.[ref];
      if (!id) return json(res, 404, { message: `pull access denied for ${q.fromImage}, repository does not exist or may require 'docker login'` });
      this.images.set(ref, id);
      return progress(res, [{ status: `Pulling from ${q.fromImage}` }, { status: `Digest: ${id}` }, { status: `Status: Downloaded newer image for ${ref}` }]);
    }
    if (req.method === 'POST' && path === '/images/load') {
      this.uploads.push({ path, bytes: raw.length });
      const l = this.options.loadable;
      if (!l) return progress(res, [{ errorDetail: { message: 'unexpected EOF' }, error: 'unexpected EOF' }]);
      this.images.set(l.ref, l.id);
      return progress(res, [{ stream: `Loaded image: ${l.ref}\n` }]);
    }
    if (req.method === 'POST' && path === '/build') {
      this.uploads.push({ path, bytes: raw.length });
      const id = `sha256:${randomBytes(32).toString('hex')}`;
      this.images.set(q.t.includes(':') ? q.t : `${q.t}:latest`, id);
      return progress(res, [{ stream: 'Step 1/1 : FROM scratch\n' }, { aux: { ID: id } }, { stream: `Successfully tagged ${q.t}\n` }]);
    }
    if (req.method === 'POST' && path === '/containers/create') {
      const config = record.body as CreateBody;
      if (!this.image(config.Image)) return json(res, 404, { message: `No such image: ${config.Image}` });
      const id = randomBytes(32).toString('hex');
      this.containers.set(id, { id, config, state: 'created', sinks: [], waiters: [] });
      return json(res, 201, { Id: id, Warnings: [] });
    }
    if ((m = /^\/containers\/([^/]+)(\/[a-z]+)?$/.exec(path))) {
      const c = this.containers.get(m[1]);
      if (!c) return json(res, 404, { message: `No such container: ${m[1]}` });
      const action = `${req.method} ${m[2] ?? ''}`;
      switch (action) {
        case 'POST /attach':
          res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
          res.flushHeaders();
          c.sinks.push(res);
          if (c.state === 'exited') res.end();
          return;
        case 'POST /start':
          if (c.state !== 'created') return json(res, 304, {});
          return this.run(c, res);
        case 'POST /wait':
          if (c.state !== 'exited') await new Promise<void>((resolve) => c.waiters.push(resolve));
          return json(res, 200, { StatusCode: c.exitCode, Error: null });
        case 'POST /kill':
          if (c.state !== 'running') return json(res, 409, { message: `Container ${c.id} is not running` });
          c.killedBy = q.signal ?? 'SIGKILL';
          c.child?.kill('SIGKILL');
          return noContent(res);
        case 'GET /json':
          return json(res, 200, { Id: c.id, State: { Status: c.state, ExitCode: c.exitCode ?? 0, OOMKilled: false } });
        case 'DELETE ':
          if (c.state === 'running' && q.force !== 'true') return json(res, 409, { message: 'You cannot remove a running container' });
          c.child?.kill('SIGKILL');
          this.containers.delete(c.id);
          for (const s of c.sinks) s.end();
          return noContent(res);
      }
    }
    json(res, 404, { message: `page not found: ${req.method} ${path}` });
  }

  /** A hijacked attach (`Connection: Upgrade`): 101, then raw frames out and raw stdin in. */
  private upgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://docker');
    const path = url.pathname.replace(/^\/v\d+\.\d+/, '');
    this.requests.push({ method: req.method ?? 'POST', path, query: Object.fromEntries(url.searchParams) });
    const m = /^\/containers\/([^/]+)\/attach$/.exec(path);
    const c = m ? this.containers.get(m[1]) : undefined;
    if (!c) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    c.sinks.push(socket);
    if (url.searchParams.get('stdin') === 'true' && c.config.OpenStdin) {
      // Like the engine (which reads stdin from the raw connection, not from Go's request
      // buffer), the request body dockerode sends before the stream is not stdin.
      let skip = Number(req.headers['content-length'] ?? 0);
      const stdin = new PassThrough();
      c.stdin = stdin;
      const feed = (chunk: Buffer): void => {
        const drop = Math.min(skip, chunk.length);
        skip -= drop;
        if (chunk.length > drop) stdin.write(chunk.subarray(drop));
      };
      if (head.length > 0) feed(head);
      socket.on('data', feed);
      socket.on('end', () => stdin.end());
    }
    socket.on('error', () => undefined);
  }

  /** Starts the container's command as a local process with container paths rewritten. */
  private run(c: FakeContainer, res: ServerResponse): void {
    const rewrite = pathRewriter(c.config);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    for (const e of c.config.Env ?? []) {
      const i = e.indexOf('=');
      env[e.slice(0, i)] = rewrite(e.slice(i + 1));
    }
    const argv = c.config.Cmd.map(rewrite);
    const child = spawn(argv[0], argv.slice(1), { cwd: rewrite(c.config.WorkingDir), env, stdio: [c.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    child.once('error', (err) => {
      c.state = 'exited';
      c.exitCode = 127;
      for (const s of c.sinks) s.end();
      for (const w of c.waiters.splice(0)) w();
      json(res, 400, { message: `failed to create task for container: exec: "${c.config.Cmd[0]}": ${err.message}: unknown` });
    });
    child.once('spawn', () => {
      c.state = 'running';
      c.child = child;
      if (c.stdin && child.stdin) c.stdin.pipe(child.stdin).on('error', () => undefined);
      child.stdin?.on('error', () => undefined);
      child.stdout?.on('data', (d: Buffer) => this.frame(c, 1, d));
      child.stderr?.on('data', (d: Buffer) => this.frame(c, 2, d));
      noContent(res);
    });
    child.once('close', (code, signal) => {
      if (c.state !== 'running') return;
      c.state = 'exited';
      c.exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15);
      for (const s of c.sinks) s.end();
      for (const w of c.waiters.splice(0)) w();
    });
  }

  private frame(c: FakeContainer, stream: 1 | 2, data: Buffer): void {
    const header = Buffer.alloc(8);
    header.writeUInt8(stream, 0);
    header.writeUInt32BE(data.length, 4);
    for (const s of c.sinks) s.write(Buffer.concat([header, data]));
  }

  private image(ref: string): string | undefined {
    return this.images.get(ref) ?? this.images.get(`${ref}:latest`) ?? [...this.images.values()].find((id) => id === ref);
  }
}

/** Rewrites container paths (bind targets) in a string to their host sources, longest target first, in one pass. */
function pathRewriter(config: CreateBody): (s: string) => string {
  const pairs = new Map<string, string>();
  for (const b of config.HostConfig?.Binds ?? []) {
    const [source, target] = b.split(':');
    pairs.set(target, source);
  }
  for (const m of config.HostConfig?.Mounts ?? []) pairs.set(m.Target, m.Source);
  const targets = [...pairs.keys()].sort((a, b) => b.length - a.length);
  if (targets.length === 0) return (s) => s;
  const re = new RegExp(`(?<![\\w./-])(${targets.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})(?=/|$|[^\\w.-])`, 'g');
  return (s) => s.replace(re, (t) => pairs.get(t) as string);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function noContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

function progress(res: ServerResponse, lines: unknown[]): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  for (const l of lines) res.write(`${JSON.stringify(l)}\r\n`);
  res.end();
}
