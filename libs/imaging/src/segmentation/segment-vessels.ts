import { checkVolume } from '../core/shape';
import type { NumericArray, Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { binaryDilation } from '../morphology/binary-morphology';
import { removeSmallObjects } from '../morphology/remove-small-objects';

/** Options of {@link segmentVessels}; the defaults are the original xbrain/SABER ones. */
export interface SegmentVesselsOptions {
  /** Voxels with probability `>= threshold` are vessel candidates (`--threshold`). Default 0.68. */
  readonly threshold?: number;
  /** Candidate components smaller than this are dropped before dilating (xbrain's fixed 100). Default 100. */
  readonly smallObjects?: number;
  /** Diameter of the dilation ball in voxels (`--dilation`); radius `(d - 1) / 2`. Default 3. */
  readonly dilation?: number;
  /** Components smaller than this are dropped after dilating (`--minimum`). Default 4000. */
  readonly minimumSize?: number;
  /**
   * Never drop components that touch a face of the volume (both removals): when the volume is a
   * block of a larger one, such a component may be part of a larger one, so its size here says
   * nothing. Default false (xbrain).
   */
  readonly keepCut?: boolean;
}

/**
 * Vessel segmentation of a vessel probability map (Dyer et al. 2017; xbrain `segment_vessels`):
 * threshold, remove components below `smallObjects` voxels, dilate by a ball of diameter
 * `dilation`, remove components below `minimumSize` voxels. Components are 6-connected (skimage's
 * default). Output 0/1 `Uint8Array`. O(N).
 */
export function segmentVessels(probability: NumericArray, shape: Shape3, options: SegmentVesselsOptions = {}): Uint8Array {
  const n = checkVolume('probability', probability, shape);
  const mask = new Uint8Array(n);
  markVesselCandidates(probability, vesselThreshold(options), mask);
  return filterVesselMask(mask, shape, options);
}

/** Sets `mask[at + i]` to 1 where `probability[i] >= threshold`, else 0 (NaN included): the candidates of {@link segmentVessels}. */
export function markVesselCandidates(probability: NumericArray, threshold: number, mask: Uint8Array, at = 0): void {
  for (let i = 0, j = at; i < probability.length; i++, j++) mask[j] = probability[i] >= threshold ? 1 : 0;
}

/** The threshold of {@link SegmentVesselsOptions} (default 0.68), checked. */
export function vesselThreshold(options: SegmentVesselsOptions = {}): number {
  const threshold = options.threshold ?? 0.68;
  if (!Number.isFinite(threshold)) throw new ImagingOptionError(`threshold must be finite, got ${threshold}`);
  return threshold;
}

/**
 * {@link segmentVessels} after the threshold: `mask` is the 0/1 candidates
 * ({@link markVesselCandidates}), e.g. marked slab by slab without holding the probabilities; it is overwritten and may be
 * returned (with a dilation, a new array is).
 */
export function filterVesselMask(mask: Uint8Array, shape: Shape3, options: SegmentVesselsOptions = {}): Uint8Array {
  checkVolume('mask', mask, shape);
  vesselThreshold(options);
  const smallObjects = options.smallObjects ?? 100;
  const dilation = options.dilation ?? 3;
  const minimumSize = options.minimumSize ?? 4000;
  if (!(dilation >= 1) || !Number.isFinite(dilation)) throw new ImagingOptionError(`dilation must be >= 1, got ${dilation}`);
  const keepCut = options.keepCut ?? false;
  // Both removals write over their own input (fresh memory costs a page fault per 4 KiB).
  const kept = removeSmallObjects(mask, shape, smallObjects, { keepCut, out: mask });
  const dilated = dilation > 1 ? binaryDilation(kept, shape, (dilation - 1) / 2) : kept;
  return removeSmallObjects(dilated, shape, minimumSize, { keepCut, out: dilated });
}
