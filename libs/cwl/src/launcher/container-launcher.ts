import type { Requirement } from '../model/cwl.types';
import type { SpawnOutcome } from '../tool/spawn-process';

/** A host path made visible inside the container (a bind mount). */
export interface ContainerMount {
  /** Absolute path on the host (a file or a directory). */
  hostPath: string;
  /** Absolute path inside the container. */
  containerPath: string;
  /** Read-write when true (outdir, tmpdir, InplaceUpdate inputs); read-only otherwise. */
  writable: boolean;
}

/**
 * One tool run in a container, with every path already translated: `argv`, `cwd`
 * and `env` are in container terms; the standard streams are host files.
 */
export interface ContainerLaunchRequest {
  /** The tool's DockerRequirement (dockerPull, dockerImageId, dockerLoad, dockerFile, ...). */
  docker: Requirement;
  /** Command and arguments with container paths; run as given (the image's ENTRYPOINT, if any, still applies, as with cwltool). */
  argv: string[];
  /** Working directory inside the container: the container outdir. */
  cwd: string;
  /** The complete environment of the tool (HOME, TMPDIR, EnvVarRequirement); the host's is not inherited. */
  env: Record<string, string>;
  /** Bind mounts: inputs, InitialWorkDir entries, outdir and tmpdir. */
  mounts: ContainerMount[];
  /** Host file fed to the tool's stdin. */
  stdinPath?: string;
  /** Host file receiving the tool's stdout. */
  stdoutPath: string;
  /** Host file receiving the tool's stderr. */
  stderrPath: string;
  /** NetworkAccess: without it the container has no network. */
  networkAccess: boolean;
  /** ResourceRequirement minimums (`coresMin`, `ramMin` in MiB), when the tool states them. */
  resources: { cores?: number; ramMiB?: number };
  /** Aborting kills and removes the container; the outcome has `killed: true`. */
  signal?: AbortSignal;
  /** Wall-clock limit in ms (ToolTimeLimit); on expiry the container is killed. */
  timeoutMs?: number;
}

/** How a container run ended. */
export interface ContainerLaunchOutcome extends SpawnOutcome {
  /** Content digest of the image that ran (e.g. `sha256:...`), for caching and provenance. */
  imageDigest?: string;
}

/**
 * Runs a tool in a container (Docker, or any engine that can bind-mount host paths).
 * Resolves when the container has exited and the stream files are complete; rejects
 * when the image cannot be provided or the engine fails (the launcher's own error,
 * carrying its retryability).
 */
export interface ContainerLauncher {
  launch(request: ContainerLaunchRequest): Promise<ContainerLaunchOutcome>;
}
