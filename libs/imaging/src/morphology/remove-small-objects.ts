import { checkConnectivity, checkVolume } from '../core/shape';
import type { Connectivity, LabelArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingShapeError } from '../errors/imaging-errors';
import { componentRuns } from '../labeling/run-components';

/** Options of {@link removeSmallObjects}. */
export interface RemoveSmallObjectsOptions {
  /** 6 (default), 18 or 26. */
  readonly connectivity?: Connectivity;
  /** Keep every component that touches a face of the volume. */
  readonly keepCut?: boolean;
  /** Array for the result (the volume's length); it may be `mask` itself. */
  readonly out?: Uint8Array;
}

/**
 * Removes the connected components of the non-zero voxels that have fewer than `minSize`
 * voxels (`skimage.morphology.remove_small_objects`, whose default connectivity 1 is 6 here).
 * Works on the components' x-runs (`componentRuns`), without a label volume: sizes are sums of
 * run lengths, and the kept runs are written as 1 into a zeroed output. Output 0/1 `Uint8Array`
 * (`options.out` when given, which may be `mask`). O(N).
 */
export function removeSmallObjects(mask: LabelArray, shape: Shape3, minSize: number, options: RemoveSmallObjectsOptions = {}): Uint8Array {
  const n = checkVolume('mask', mask, shape);
  if (!(minSize >= 0) || !Number.isFinite(minSize)) throw new ImagingOptionError(`minSize must be a finite number >= 0, got ${minSize}`);
  if (options.out && options.out.length !== n) throw new ImagingShapeError(`out has ${options.out.length} values, the volume ${n}`);
  const [Z, Y, X] = shape;
  const { rowFirst, start, end, runs, component, count } = componentRuns(mask, shape, checkConnectivity(options.connectivity ?? 6));
  const size = new Float64Array(count + 1);
  for (let k = 0; k < runs; k++) size[component[k]] += end[k] - start[k];
  if (options.keepCut) {
    // Components with a run on a face of the volume: a first or last row or plane, or x = 0 or X.
    for (let z = 0, r = 0; z < Z; z++) {
      for (let y = 0; y < Y; y++, r++) {
        const face = z === 0 || z === Z - 1 || y === 0 || y === Y - 1;
        for (let k = rowFirst[r]; k < rowFirst[r + 1]; k++) if (face || start[k] === 0 || end[k] === X) size[component[k]] = Infinity;
      }
    }
  }
  // The runs hold all the mask says: `out` may be it.
  const out = (options.out ?? new Uint8Array(n)).fill(0);
  for (let r = 0, base = 0; r < Z * Y; r++, base += X) {
    for (let k = rowFirst[r]; k < rowFirst[r + 1]; k++) {
      if (size[component[k]] < minSize) continue;
      for (let i = base + start[k], e = base + end[k]; i < e; i++) out[i] = 1;
    }
  }
  return out;
}
