/**
 * @module @saber/merger
 * The merger service.
 */
export * from './merger.module';
export * from './merger.controller';
