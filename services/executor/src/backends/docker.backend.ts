import { Logger } from '@nestjs/common';
import type { StepTask } from '@saber/contracts';
import { findRequirement, type CwlTool } from '@saber/cwl';
import Docker from 'dockerode';
import { dockerConnection } from './docker/docker-connection';
import { DockerContainerLauncher } from './docker/docker-container.launcher';
import { DockerEngineUnavailableError } from './docker/docker-errors';
import type { ExecutionBackend, ExecutionContext, ExecutionResult } from './execution-backend';
import type { LocalProcessBackend } from './local-process.backend';

/** Milliseconds the start-up `GET /_ping` may take before the engine counts as unreachable. */
export const DOCKER_PING_TIMEOUT_MS = 10_000;

/**
 * Runs tools that have a DockerRequirement (requirement or hint) in Docker
 * containers, like `cwltool` with Docker: container paths on the command line,
 * inputs mounted read-only, outputs collected on the host. Tools without one, and
 * ExpressionTools, run as local processes exactly as with the local backend.
 * The engine is reached at `DOCKER_HOST` (the executor and the engine must share
 * the filesystem of the work directory: mounts name host paths).
 */
export class DockerBackend implements ExecutionBackend {
  readonly name = 'docker';
  private readonly log = new Logger('executor.docker');

  constructor(
    private readonly local: LocalProcessBackend,
    readonly launcher: DockerContainerLauncher,
  ) {}

  /**
   * Connects to the engine at `dockerHost` and checks that it answers.
   *
   * @throws DockerEngineUnavailableError naming `dockerHost` when it does not
   * @throws DockerHostError for a `dockerHost` that is neither unix:// nor tcp://
   */
  static async connect(dockerHost: string, local: LocalProcessBackend, pingTimeoutMs = DOCKER_PING_TIMEOUT_MS): Promise<DockerBackend> {
    const docker = new Docker(dockerConnection(dockerHost));
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        docker.ping(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer to GET /_ping within ${pingTimeoutMs} ms`)), pingTimeoutMs);
        }),
      ]);
    } catch (err) {
      throw new DockerEngineUnavailableError(dockerHost, err);
    } finally {
      clearTimeout(timer);
    }
    const backend = new DockerBackend(local, new DockerContainerLauncher(docker));
    backend.log.log(`Docker engine at ${dockerHost} answers`);
    return backend;
  }

  /** The image id (`sha256:...`) of the task's DockerRequirement, provided (pulled) if needed; undefined without one. */
  async imageDigestOf(task: StepTask): Promise<string | undefined> {
    const tool = task.tool as unknown as CwlTool;
    const docker = tool.class === 'CommandLineTool' ? findRequirement(tool, 'DockerRequirement') : undefined;
    return docker ? (await this.launcher.images.provide(docker)).digest : undefined;
  }

  async run(task: StepTask, context: ExecutionContext): Promise<ExecutionResult> {
    const result = await this.local.runWith(task, context, { container: { launcher: this.launcher } });
    if (result.imageDigest) this.log.debug(`${task.taskId}: ran in image ${result.imageDigest}`);
    return result;
  }
}
