/**
 * @module @saber/optimizer
 * The optimizer service.
 */
export * from './optimizer.module';
export * from './optimizer.controller';
