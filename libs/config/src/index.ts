/**
 * @module @saber/config
 * Typed, validated configuration shared by every SABER service: environment
 * variable names, defaults with units, and the compiled {@link SaberConfig}.
 */
export * from './env';
export * from './config';
