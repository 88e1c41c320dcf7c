/** A catalog cannot be opened or used as configured (bad options, a second embedded catalog). */
export class CatalogConfigError extends Error {
  override readonly name = 'CatalogConfigError';
}
