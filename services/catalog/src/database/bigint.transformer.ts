import type { ValueTransformer } from 'typeorm';

/**
 * Reads PostgreSQL `bigint` columns as JavaScript numbers. `pg` returns int8 as a
 * string and PGlite as a number (or a BigInt past 2^53), so without this the same
 * entity would serialize differently per driver. Catalog ids and byte counts stay
 * far below 2^53.
 */
export const BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};
