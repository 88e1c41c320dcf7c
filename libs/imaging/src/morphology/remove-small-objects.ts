import { checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingShapeError } from '../errors/imaging-errors';
import { connectedComponents } from '../labeling/connected-components';

/** Options of {@link removeSmallObjects}. */
export interface RemoveSmallObjectsOptions {
  /** 6 (default), 18 or 26. */
  readonly connectivity?: Connectivity;
  /** Keep every component that touches a face of the volume. */
  readonly keepCut?: boolean;
  /** Array for the component labels (the volume's length), reused across calls. */
  readonly labels?: Uint32Array;
  /** Array for the result (the volume's length); it may be `mask` itself. */
  readonly out?: Uint8Array;
}

/**
 * Removes the connected components of the non-zero voxels that have fewer than `minSize`
 * voxels (`skimage.morphology.remove_small_objects`, whose default connectivity 1 is 6 here).
 * Output 0/1 `Uint8Array` (`options.out` when given). O(N).
 */
export function removeSmallObjects(mask: LabelArray, shape: Shape3, minSize: number, options: RemoveSmallObjectsOptions = {}): Uint8Array {
  const n = checkVolume('mask', mask, shape);
  if (!(minSize >= 0) || !Number.isFinite(minSize)) throw new ImagingOptionError(`minSize must be a finite number >= 0, got ${minSize}`);
  if (options.out && options.out.length !== n) throw new ImagingShapeError(`out has ${options.out.length} values, the volume ${n}`);
  const { labels, count } = connectedComponents(mask, shape, { connectivity: options.connectivity ?? 6, out: options.labels });
  const size = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) size[labels[i]]++;
  if (options.keepCut) for (const l of faceLabels(labels, shape)) size[l] = Infinity;
  // The mask is no longer read: `out` may be it.
  const out = options.out ?? new Uint8Array(n);
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
