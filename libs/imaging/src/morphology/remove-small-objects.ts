import { checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { connectedComponents } from '../labeling/connected-components';

/**
 * Removes the connected components of the non-zero voxels that have fewer than `minSize`
 * voxels (`skimage.morphology.remove_small_objects`, whose default connectivity 1 is 6 here).
 * Output 0/1 `Uint8Array`. O(N).
 */
export function removeSmallObjects(mask: LabelArray, shape: Shape3, minSize: number, options: { readonly connectivity?: Connectivity } = {}): Uint8Array {
  const n = checkVolume('mask', mask, shape);
  if (!(minSize >= 0) || !Number.isFinite(minSize)) throw new ImagingOptionError(`minSize must be a finite number >= 0, got ${minSize}`);
  const { labels, count } = connectedComponents(mask, shape, { connectivity: options.connectivity ?? 6 });
  const size = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) size[labels[i]]++;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    out[i] = l !== 0 && size[l] >= minSize ? 1 : 0;
  }
  return out;
}
