import { checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { connectedComponents } from '../labeling/connected-components';

/**
 * Removes the connected components of the non-zero voxels that have fewer than `minSize`
 * voxels (`skimage.morphology.remove_small_objects`, whose default connectivity 1 is 6 here).
 * Output 0/1 `Uint8Array`. O(N).
 */
export function removeSmallObjects(
  mask: LabelArray,
  shape: Shape3,
  minSize: number,
  options: { readonly connectivity?: Connectivity; readonly keepCut?: boolean } = {},
): Uint8Array {
  const n = checkVolume('mask', mask, shape);
  if (!(minSize >= 0) || !Number.isFinite(minSize)) throw new ImagingOptionError(`minSize must be a finite number >= 0, got ${minSize}`);
  const { labels, count } = connectedComponents(mask, shape, { connectivity: options.connectivity ?? 6 });
  const size = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) size[labels[i]]++;
  if (options.keepCut) for (const l of faceLabels(labels, shape)) size[l] = Infinity;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    out[i] = l !== 0 && size[l] >= minSize ? 1 : 0;
  }
  return out;
}

/** The labels (not 0) of voxels on the six faces of the volume. */
function faceLabels(labels: ArrayLike<number>, [Z, Y, X]: Shape3): Set<number> {
  const found = new Set<number>();
  const at = (z: number, y: number, x: number) => {
    const l = labels[(z * Y + y) * X + x];
    if (l !== 0) found.add(l);
  };
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      if (z === 0 || z === Z - 1 || y === 0 || y === Y - 1) for (let x = 0; x < X; x++) at(z, y, x);
      else {
        at(z, y, 0);
        at(z, y, X - 1);
      }
    }
  }
  return found;
}
