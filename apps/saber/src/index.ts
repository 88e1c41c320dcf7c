/**
 * @module @saber/saber
 * The `saber` command line and embedded mode (all services in one process).
 */
export * from './embedded';
export * from './main';
export * from './commands/run.command';
export * from './commands/deploy.command';
export * from './commands/optimize.command';
export * from './commands/follow-study';
export * from './commands/study-progress-view';
export * from './commands/follow-sweep';
export * from './commands/sweep-progress-view';
export * from './commands/follow-run';
export * from './commands/progress-view';
export { TestCluster, REPO_ROOT } from './e2e/cluster';
export * from './commands/status.command';
export * from './commands/collect.command';
export * from './commands/cwl-runner.command';
