/** Injection token of the {@link Bus} the process shares. */
export const BUS = Symbol.for('saber.bus');
/** Injection token of the compiled {@link SaberConfig}. */
export const SABER_CONFIG = Symbol.for('saber.config');
