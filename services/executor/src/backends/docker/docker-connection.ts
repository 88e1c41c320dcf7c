import type { DockerOptions } from 'dockerode';

/**
 * dockerode connection options for a `DOCKER_HOST` value (`unix:///path` or
 * `tcp://host:port`). TLS for tcp follows dockerode's own conventions
 * (`DOCKER_TLS_VERIFY=1` or port 2376, certificates from `DOCKER_CERT_PATH`).
 *
 * @throws DockerHostError for any other form
 */
export function dockerConnection(dockerHost: string): DockerOptions {
  if (dockerHost.startsWith('unix://')) {
    const socketPath = dockerHost.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new DockerHostError(dockerHost);
    // `host: undefined` keeps dockerode from preferring a tcp DOCKER_HOST it reads itself.
    return { socketPath, host: undefined, port: undefined };
  }
  if (dockerHost.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(dockerHost);
    } catch {
      throw new DockerHostError(dockerHost);
    }
    if (!url.hostname) throw new DockerHostError(dockerHost);
    return { host: url.hostname, port: url.port || '2375' };
  }
  throw new DockerHostError(dockerHost);
}

/** A `DOCKER_HOST` value the docker backend cannot use. */
export class DockerHostError extends Error {
  override readonly name = 'DockerHostError';
  constructor(readonly dockerHost: string) {
    super(`DOCKER_HOST '${dockerHost}' is not unix:///path/to/docker.sock or tcp://host:port`);
  }
}
