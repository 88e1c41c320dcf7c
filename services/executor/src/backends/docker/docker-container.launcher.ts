import { Logger } from '@nestjs/common';
import { CwlExecutionError, type ContainerLauncher, type ContainerLaunchOutcome, type ContainerLaunchRequest, type ContainerMount } from '@saber/cwl';
import type Docker from 'dockerode';
import { createReadStream, createWriteStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import type { Duplex, Writable } from 'node:stream';
import { DockerEngineError, engineMessage, statusOf } from './docker-errors';
import { DockerImages } from './docker-images';

/** Label on every container the docker backend creates (to find leftovers after a crash). */
export const SABER_CONTAINER_LABEL = 'org.saber.tool';

/** Bytes per MiB (ResourceRequirement `ramMin` is in MiB, `HostConfig.Memory` in bytes). */
const MIB = 1024 * 1024;

/**
 * Runs one tool per container through the Docker Engine API, as `cwltool` does with
 * `docker run`: image provided first (see {@link DockerImages}), then
 * `POST /containers/create` with the translated command line, bind mounts
 * (read-only unless writable), `--user` of this process (outputs belong to the
 * caller), no network unless NetworkAccess, `Memory`/`NanoCpus` from
 * ResourceRequirement; attach (stdin/stdout/stderr to host files), start, wait.
 * A time limit or abort kills the container; it is always removed afterwards.
 */
export class DockerContainerLauncher implements ContainerLauncher {
  readonly images: DockerImages;
  private readonly log = new Logger('executor.docker');

  constructor(private readonly docker: Docker) {
    this.images = new DockerImages(docker);
  }

  async launch(req: ContainerLaunchRequest): Promise<ContainerLaunchOutcome> {
    const image = await this.images.provide(req.docker);
    if (req.signal?.aborted) return { exitCode: null, killed: true, durationMs: 0, imageDigest: image.digest };
    const body = await createBody(req, image.ref);
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(body);
    } catch (err) {
      throw new DockerEngineError(`create container from ${image.ref}`, err);
    }
    // Time limit or abort: one kill request; whether it hit a running container decides `killed`.
    let kill: Promise<boolean> | undefined;
    const stop = (): void => {
      kill ??= container.kill().then(() => true, () => false);
    };
    const timer = req.timeoutMs ? setTimeout(stop, req.timeoutMs) : undefined;
    req.signal?.addEventListener('abort', stop, { once: true });
    const release = (): void => {
      clearTimeout(timer);
      req.signal?.removeEventListener('abort', stop);
    };
    try {
      const output = await this.attach(container, req);
      if (kill || req.signal?.aborted) {
        // Aborted before the tool started: nothing runs; the removal below ends the attachment.
        output.stream.destroy();
        await output.done;
        return { exitCode: null, killed: true, durationMs: 0, imageDigest: image.digest };
      }
      const started = Date.now();
      await container.start().catch((err: unknown) => {
        // 400: the runtime cannot exec the command (not found, not executable): the tool's fault, as a failed spawn.
        if (statusOf(err) === 400) throw new CwlExecutionError(`cannot start '${req.argv[0]}' in ${image.ref}: ${engineMessage(err)}`, { cause: err });
        throw new DockerEngineError(`start container ${container.id}`, err);
      });
      const waited = await engine(`wait for container ${container.id}`, () => container.wait() as Promise<{ StatusCode: number }>);
      const durationMs = Date.now() - started;
      release();
      await output.done;
      const killed = (kill ? await kill : false) || (await this.oomKilled(container));
      return { exitCode: waited.StatusCode, killed, durationMs, imageDigest: image.digest };
    } finally {
      release();
      await container.remove({ force: true }).catch((err: unknown) => {
        // The result stands; a leftover container is found by its label.
        if (statusOf(err) !== 404) this.log.warn(`cannot remove container ${container.id}: ${engineMessage(err)}`);
      });
    }
  }

  /** Attaches before start (so no output is lost); resolves once both stream files are complete. */
  private async attach(container: Docker.Container, req: ContainerLaunchRequest): Promise<{ stream: Duplex; done: Promise<void> }> {
    const withStdin = req.stdinPath !== undefined;
    const stream = (await engine(`attach to container ${container.id}`, () =>
      container.attach({ stream: true, stdout: true, stderr: true, stdin: withStdin, hijack: withStdin }))) as unknown as Duplex;
    const stdout = createWriteStream(req.stdoutPath);
    const stderr = createWriteStream(req.stderrPath);
    this.docker.modem.demuxStream(stream, stdout, stderr);
    if (withStdin) {
      const input = createReadStream(req.stdinPath as string);
      input.on('error', () => stream.end());
      // Ends (half-closes) the connection at end of file: the engine then closes the tool's stdin.
      input.pipe(stream);
    }
    // A tool that exits before reading all of stdin resets the connection: not an error of the run.
    stream.on('error', () => undefined);
    const done = new Promise<void>((resolve) => {
      let closed = false;
      const close = (): void => {
        if (closed) return;
        closed = true;
        void Promise.all([endAndFlush(stdout), endAndFlush(stderr)]).then(() => resolve());
      };
      stream.once('end', close);
      stream.once('close', close);
    });
    return { stream, done };
  }

  private async oomKilled(container: Docker.Container): Promise<boolean> {
    try {
      const info = await container.inspect();
      return info.State?.OOMKilled === true;
    } catch {
      return false;
    }
  }
}

async function endAndFlush(file: Writable): Promise<void> {
  file.end();
  await finished(file).catch(() => undefined);
}

/** Runs one engine call, wrapping its failure as a {@link DockerEngineError}. */
async function engine<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw new DockerEngineError(action, err);
  }
}

/** The `POST /containers/create` body for a launch request. */
export async function createBody(req: ContainerLaunchRequest, image: string): Promise<Docker.ContainerCreateOptions> {
  const withStdin = req.stdinPath !== undefined;
  const { binds, mounts } = await bindMounts(req.mounts);
  const hostConfig: Docker.HostConfig = { Binds: binds };
  if (mounts.length > 0) hostConfig.Mounts = mounts;
  if (!req.networkAccess) hostConfig.NetworkMode = 'none';
  if (req.resources.ramMiB !== undefined) hostConfig.Memory = Math.ceil(req.resources.ramMiB * MIB);
  if (req.resources.cores !== undefined) hostConfig.NanoCpus = Math.ceil(req.resources.cores * 1e9);
  const body: Docker.ContainerCreateOptions = {
    Image: image,
    Cmd: req.argv,
    WorkingDir: req.cwd,
    Env: Object.entries(req.env).map(([k, v]) => `${k}=${v}`),
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    OpenStdin: withStdin,
    StdinOnce: withStdin,
    Tty: false,
    Labels: { [SABER_CONTAINER_LABEL]: 'true' },
    HostConfig: hostConfig,
  };
  if (typeof process.getuid === 'function' && typeof process.getgid === 'function') body.User = `${process.getuid()}:${process.getgid()}`;
  return body;
}

/**
 * `HostConfig.Binds` entries (`host:container:ro|rw`) with symlinks in host paths
 * resolved (staged inputs may be links); paths containing `:` cannot be written in
 * that form and go to `HostConfig.Mounts` instead.
 */
async function bindMounts(list: readonly ContainerMount[]): Promise<{ binds: string[]; mounts: Docker.MountSettings[] }> {
  const binds: string[] = [];
  const mounts: Docker.MountSettings[] = [];
  for (const m of list) {
    const source = await realpath(m.hostPath);
    if (source.includes(':') || m.containerPath.includes(':')) mounts.push({ Type: 'bind', Source: source, Target: m.containerPath, ReadOnly: !m.writable });
    else binds.push(`${source}:${m.containerPath}:${m.writable ? 'rw' : 'ro'}`);
  }
  return { binds, mounts };
}
