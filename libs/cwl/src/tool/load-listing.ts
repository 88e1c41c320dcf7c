import type { CwlProcess } from '../model/cwl.types';
import type { ListingDepth } from './file-objects';
import { findRequirement } from './requirements';
import { listingDepth } from './stage-inputs';

/**
 * Listing depth of Directory inputs that set no `loadListing`: the
 * LoadListingRequirement in effect, else `deep` for CWL v1.0 documents (which
 * always listed directories) and `none` from v1.1 on.
 */
export function defaultListing(process: Pick<CwlProcess, 'requirements' | 'hints' | 'cwlVersion'>): ListingDepth {
  const req = findRequirement(process, 'LoadListingRequirement');
  const depth = listingDepth(req?.loadListing);
  if (depth) return depth;
  return process.cwlVersion === 'v1.0' ? 'deep' : 'none';
}
