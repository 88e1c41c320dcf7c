import { ImagingShapeError } from '../errors/imaging-errors';
import type { LabelArray } from '../core/volume.types';

/**
 * Dice coefficient `2 |A ∩ B| / (|A| + |B|)` of two masks (non-zero = inside) of equal length.
 * Two empty masks give 1. O(N).
 */
export function dice(a: LabelArray, b: LabelArray): number {
  if (a.length !== b.length) throw new ImagingShapeError(`masks differ in length: ${a.length} and ${b.length}`);
  const za = typeof a[0] === 'bigint' ? 0n : 0;
  const zb = typeof b[0] === 'bigint' ? 0n : 0;
  let na = 0;
  let nb = 0;
  let both = 0;
  for (let i = 0; i < a.length; i++) {
    const ia = a[i] !== za;
    const ib = b[i] !== zb;
    if (ia) na++;
    if (ib) nb++;
    if (ia && ib) both++;
  }
  return na + nb === 0 ? 1 : (2 * both) / (na + nb);
}
