/**
 * @module @saber/executor
 * The executor service: pulls step tasks from its pool's work queue and runs them
 * on a backend (local process now; Docker and AWS Batch implement the same
 * {@link ExecutionBackend}).
 */
export * from './executor.module';
export * from './executor.service';
export * from './failure';
export * from './backends/execution-backend';
export * from './backends/local-process.backend';
