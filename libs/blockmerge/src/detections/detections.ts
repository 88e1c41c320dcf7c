import type { BlockGrid, Box3 } from '../grid/block-grid';
import { boxShape } from '../grid/block-grid';

/** A detected object at `(z, y, x)` in voxel coordinates of the volume, with any other fields. */
export interface Detection {
  readonly z: number;
  readonly y: number;
  readonly x: number;
  readonly [field: string]: unknown;
}

/**
 * The voxel a point belongs to: the one whose centre is nearest, halves rounding up
 * (`floor(c + 0.5)` per axis). Voxel `i` covers `[i - 0.5, i + 0.5)`.
 */
export function voxelOf(p: Detection): [number, number, number] {
  return [Math.floor(p.z + 0.5), Math.floor(p.y + 0.5), Math.floor(p.x + 0.5)];
}

/**
 * The block that owns a detection: the one whose core holds the point's voxel
 * ({@link voxelOf}); -1 outside the grid's bounds. The cores tile the bounds, so every point
 * inside has exactly one owner and is counted once however many halos saw it.
 */
export function ownerOf(grid: BlockGrid, p: Detection): number {
  const [z, y, x] = voxelOf(p);
  return grid.indexOf(z, y, x);
}

/** The detections block `block` owns, in their order. */
export function ownedBy<T extends Detection>(grid: BlockGrid, block: number, detections: Iterable<T>): T[] {
  const out: T[] = [];
  for (const d of detections) if (ownerOf(grid, d) === block) out.push(d);
  return out;
}

/** Orders detections by `(z, y, x)`; a stable sort, so equal points keep their order. */
export function sortDetections<T extends Detection>(detections: T[]): T[] {
  return detections.sort((a, b) => a.z - b.z || a.y - b.y || a.x - b.x);
}

/**
 * Merges the detections every block reported (each over its halo region, in volume
 * coordinates): keeps each one only in the block that owns it and sorts the union by
 * `(z, y, x)`. Reads one block's list at a time.
 */
export async function mergeDetections<T extends Detection>(
  grid: BlockGrid,
  blocks: Iterable<{ block: number; detections: Iterable<T> }> | AsyncIterable<{ block: number; detections: Iterable<T> }>,
): Promise<T[]> {
  const kept: T[] = [];
  for await (const { block, detections } of blocks) kept.push(...ownedBy(grid, block, detections));
  return sortDetections(kept);
}

/**
 * The centroid (mean voxel coordinate, as `labelCentroids`) and voxel count of every label
 * of a labelling over `box`, in volume coordinates. Sums are exact integers, so a block that
 * sees the whole object gets the same double as the whole volume does.
 */
export function labelDetections(labels: Uint32Array, box: Box3): Array<Detection & { label: number; voxels: number }> {
  const [Z, Y, X] = boxShape(box);
  let max = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i]! > max) max = labels[i]!;
  const n = new Float64Array(max + 1);
  const s = new Float64Array(3 * (max + 1));
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const l = labels[i]!;
        if (l === 0) continue;
        n[l]++;
        s[3 * l] += z;
        s[3 * l + 1] += y;
        s[3 * l + 2] += x;
      }
    }
  }
  const out: Array<Detection & { label: number; voxels: number }> = [];
  for (let l = 1; l <= max; l++) {
    const c = n[l]!;
    if (c === 0) continue;
    out.push({
      z: (s[3 * l]! + c * box.start[0]) / c,
      y: (s[3 * l + 1]! + c * box.start[1]) / c,
      x: (s[3 * l + 2]! + c * box.start[2]) / c,
      label: l,
      voxels: c,
    });
  }
  return out;
}
