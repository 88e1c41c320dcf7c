/**
 * @module @saber/merger
 * The merger service: answers `merge.requested` with the stitched results of a sweep group
 * (`merge.completed`) or the reason it could not (`merge.failed`).
 */
export * from './merger.module';
export * from './merger.controller';
export * from './merger.options';
export * from './merge/merge.service';
export * from './merge/merge-plan';
