/**
 * @module @saber/planner
 * The planner service: validates and compiles CWL workflows, emits tasks for ready
 * steps, advances runs on step results and publishes their end.
 */
export * from './planner.module';
export * from './planner.service';
export * from './run-record';
export * from './run-store';
export * from './workflow-source';
