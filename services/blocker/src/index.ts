/**
 * @module @saber/blocker
 * The blocker service.
 */
export * from './blocker.module';
export * from './blocker.controller';
