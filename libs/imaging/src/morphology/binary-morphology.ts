import { checkVolume, perAxis } from '../core/shape';
import type { LabelArray, PerAxis, Shape3 } from '../core/volume.types';
import { squaredEdtInPlace } from '../distance/squared-edt';
import { BALL_EPSILON } from './ball';

/**
 * Binary dilation by the ball of {@link ball}(radius): a voxel is set when some non-zero voxel
 * lies within the ball around it. Outside the volume counts as background. Computed as a
 * thresholded exact distance transform in the metric scaled by `1 / radius` per axis, so the
 * cost is O(N) whatever the radius. Output 0/1 `Uint8Array`.
 */
export function binaryDilation(mask: LabelArray, shape: Shape3, radius: PerAxis): Uint8Array {
  return ballTest(mask, shape, radius, true);
}

/**
 * Binary erosion by the ball: a voxel stays set when every voxel of the ball around it that
 * lies inside the volume is non-zero. Outside the volume counts as foreground, so the volume
 * border erodes nothing (skimage's convention; scipy's default `border_value=0` erodes it).
 * O(N) like {@link binaryDilation}.
 */
export function binaryErosion(mask: LabelArray, shape: Shape3, radius: PerAxis): Uint8Array {
  return ballTest(mask, shape, radius, false);
}

/** Binary opening: erosion, then dilation, same ball. Anti-extensive with these border rules. */
export function binaryOpening(mask: LabelArray, shape: Shape3, radius: PerAxis): Uint8Array {
  return binaryDilation(binaryErosion(mask, shape, radius), shape, radius);
}

/** Binary closing: dilation, then erosion, same ball. Extensive with these border rules. */
export function binaryClosing(mask: LabelArray, shape: Shape3, radius: PerAxis): Uint8Array {
  return binaryErosion(binaryDilation(mask, shape, radius), shape, radius);
}

/**
 * Dilation: squared scaled distance to the nearest foreground voxel <= 1.
 * Erosion: foreground and squared scaled distance to the nearest background voxel > 1.
 */
function ballTest(mask: LabelArray, shape: Shape3, radius: PerAxis, dilate: boolean): Uint8Array {
  const n = checkVolume('mask', mask, shape);
  const r = perAxis('radius', radius, 0);
  const spacing = r.map((v) => (v === 0 ? Infinity : 1 / v)) as [number, number, number];
  const zero = typeof mask[0] === 'bigint' ? 0n : 0;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) f[i] = (mask[i] !== zero) === dilate ? 0 : Infinity;
  squaredEdtInPlace(f, shape, spacing);
  const out = new Uint8Array(n);
  const limit = 1 + BALL_EPSILON;
  if (dilate) {
    for (let i = 0; i < n; i++) out[i] = f[i] <= limit ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) out[i] = f[i] > limit ? 1 : 0;
  }
  return out;
}
