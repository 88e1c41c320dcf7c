/**
 * @module @saber/blocker
 * The blocker service: block sweeps over volumes (the original SABER parameterization
 * format plus a block section), one child run per block, retries, progress, the merge request.
 */
export * from './blocker.module';
export * from './blocker.controller';
export * from './sweep/block-sweep.service';
export * from './sweep/sweep-intake';
export * from './sweep/sweep-store';
export * from './sweep/child-run-id';
export type * from './sweep/sweep-record';
export { IterationState } from './sweep/sweep-record';
