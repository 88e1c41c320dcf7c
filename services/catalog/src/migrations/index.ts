import { Init1700000000000 } from './1700000000000-Init';

export { Init1700000000000 };

/** Catalog migrations in order; run at start-up (`migrationsRun: true`). */
export const CATALOG_MIGRATIONS = [Init1700000000000];
