import { CwlExecutionError, CwlUnsupportedError, type Requirement } from '@saber/cwl';
import type Docker from 'dockerode';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerEngineError, DockerImageError, engineMessage, statusOf } from './docker-errors';

/** The image a container runs: the reference given to the engine and its content digest. */
export interface ProvidedImage {
  /** Name or id passed as `Image` when creating the container. */
  ref: string;
  /** The image's content-addressed id from `GET /images/{name}/json` (`sha256:...`). */
  digest: string;
}

/** One line of the engine's JSON progress stream (pull, load, build). */
interface ProgressLine {
  status?: string;
  stream?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/**
 * Provides the image of a DockerRequirement as cwltool does: the image to run is
 * `dockerImageId`, else `dockerPull`; when the engine does not have it, it is pulled
 * (`dockerPull`), loaded from a local tar (`dockerLoad`) or built (`dockerFile`,
 * tagged `dockerImageId`). `dockerImport` is not supported. Concurrent requests for
 * one image share one pull.
 */
export class DockerImages {
  private readonly pending = new Map<string, Promise<ProvidedImage>>();

  constructor(private readonly docker: Docker) {}

  /**
   * @throws CwlUnsupportedError for dockerImport and remote dockerLoad URLs
   * @throws CwlExecutionError when the requirement names no image
   * @throws DockerImageError when the image cannot be found, pulled, loaded or built
   */
  async provide(req: Requirement): Promise<ProvidedImage> {
    const key = JSON.stringify([req.dockerImageId, req.dockerPull, req.dockerLoad, req.dockerFile, req.dockerImport]);
    let p = this.pending.get(key);
    if (!p) {
      p = this.resolve(req).finally(() => this.pending.delete(key));
      this.pending.set(key, p);
    }
    return p;
  }

  private async resolve(req: Requirement): Promise<ProvidedImage> {
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    const imageId = str(req.dockerImageId);
    const pull = str(req.dockerPull);
    const load = str(req.dockerLoad);
    const file = str(req.dockerFile);
    if (str(req.dockerImport)) throw new CwlUnsupportedError('DockerRequirement.dockerImport', 'the docker backend cannot import images; use dockerPull, dockerLoad or dockerFile');
    const ref = imageId ?? pull;
    if (ref) {
      const found = await this.inspect(ref);
      if (found) return found;
    }
    if (pull) {
      await this.pull(pull);
    } else if (load) {
      const loaded = await this.load(load);
      if (!ref) {
        if (!loaded) throw new DockerImageError(load, 'the loaded archive names no image; give dockerImageId', { retryable: false });
        return this.mustInspect(loaded, `loaded from ${load}`);
      }
    } else if (file) {
      if (!ref) throw new CwlExecutionError('DockerRequirement: dockerFile needs dockerImageId to name the built image');
      await this.build(file, ref);
    } else if (!ref) {
      throw new CwlExecutionError('DockerRequirement names no image (dockerPull, dockerImageId, dockerLoad or dockerFile)');
    }
    return this.mustInspect(ref as string, pull ? `after pulling ${pull}` : load ? `after loading ${load}` : file ? 'after building dockerFile' : 'not present on the engine and nothing to pull');
  }

  private async mustInspect(ref: string, when: string): Promise<ProvidedImage> {
    const found = await this.inspect(ref);
    if (!found) throw new DockerImageError(ref, `not found ${when}`, { retryable: false });
    return found;
  }

  /** The image's id, `undefined` when the engine does not have it. */
  private async inspect(ref: string): Promise<ProvidedImage | undefined> {
    try {
      const info = await this.docker.getImage(ref).inspect();
      return { ref, digest: info.Id };
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw new DockerEngineError(`inspect image ${ref}`, err);
    }
  }

  private async pull(ref: string): Promise<void> {
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(ref);
    } catch (err) {
      const status = statusOf(err);
      // 404: no such repository or tag; other answers (registry unreachable, 500) may pass.
      throw new DockerImageError(ref, `pull failed: ${engineMessage(err)}`, { retryable: status !== 404, cause: err });
    }
    const failure = progressError(await this.follow(stream, `pull ${ref}`));
    if (failure) throw new DockerImageError(ref, `pull failed: ${failure}`, { retryable: !/not found|manifest unknown|denied/i.test(failure) });
  }

  /** Loads a local image archive; returns the first image name the engine reports. */
  private async load(location: string): Promise<string | undefined> {
    if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('file:')) {
      throw new CwlUnsupportedError('DockerRequirement.dockerLoad', `only local archives can be loaded, not ${location}`);
    }
    const path = location.startsWith('file:') ? fileURLToPath(location) : location;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.loadImage(createReadStream(path));
    } catch (err) {
      throw new DockerImageError(location, `load failed: ${engineMessage(err)}`, { retryable: false, cause: err });
    }
    const lines = await this.follow(stream, `load ${location}`);
    const failure = progressError(lines);
    if (failure) throw new DockerImageError(location, `load failed: ${failure}`, { retryable: false });
    for (const l of lines) {
      const m = /Loaded image(?: ID)?: (\S+)/.exec(l.stream ?? '');
      if (m) return m[1];
    }
    return undefined;
  }

  private async build(dockerfile: string, tag: string): Promise<void> {
    const context = await mkdtemp(join(tmpdir(), 'saber-dockerfile-'));
    try {
      await writeFile(join(context, 'Dockerfile'), dockerfile);
      let stream: NodeJS.ReadableStream;
      try {
        stream = await this.docker.buildImage({ context, src: ['Dockerfile'] }, { t: tag });
      } catch (err) {
        throw new DockerImageError(tag, `build failed: ${engineMessage(err)}`, { retryable: false, cause: err });
      }
      const failure = progressError(await this.follow(stream, `build ${tag}`));
      if (failure) throw new DockerImageError(tag, `build failed: ${failure}`, { retryable: false });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
  }

  private follow(stream: NodeJS.ReadableStream, action: string): Promise<ProgressLine[]> {
    return new Promise((resolve, reject) => {
      this.docker.modem.followProgress(stream, (err: Error | null, output: ProgressLine[]) => (err ? reject(new DockerEngineError(action, err)) : resolve(output)));
    });
  }
}

function progressError(lines: readonly ProgressLine[]): string | undefined {
  const bad = lines.find((l) => l.error !== undefined || l.errorDetail !== undefined);
  return bad ? (bad.errorDetail?.message ?? bad.error ?? 'unknown error') : undefined;
}
