/**
 * @module @saber/executor
 * The executor service: pulls step tasks from its pool's work queue and runs them
 * on a backend (local processes or Docker containers; AWS Batch will implement the
 * same {@link ExecutionBackend}).
 */
export * from './executor.module';
export * from './executor.service';
export * from './failure';
export * from './backends/execution-backend';
export * from './backends/local-process.backend';
// The Docker backend is loaded on demand (dockerode is heavy): see selectBackend.
export type { DockerBackend } from './backends/docker.backend';
export * from './backends/select-backend';
export { DockerContainerLauncher, SABER_CONTAINER_LABEL } from './backends/docker/docker-container.launcher';
export { DockerEngineUnavailableError, DockerEngineError, DockerImageError } from './backends/docker/docker-errors';
export { DockerHostError, dockerConnection } from './backends/docker/docker-connection';
