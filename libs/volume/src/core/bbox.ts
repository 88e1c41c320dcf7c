/**
 * Bounding boxes: validation against a volume, shapes, intersections, and the chunks
 * of a regular grid that a box touches.
 */
import { VolumeBoundsError } from '../errors/volume-errors';
import type { BBox } from '../volume.types';

/** `[a:b, c:d]` — a box as numpy slices, for messages. */
export function formatBBox(box: BBox): string {
  return `[${box.start.map((s, i) => `${s}:${box.stop[i]}`).join(', ')}]`;
}

/** `(50, 100, 200)` — a shape as numpy prints it, for messages. */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`;
}

/** The whole volume as a box. */
export function fullBBox(shape: readonly number[]): BBox {
  return { start: shape.map(() => 0), stop: [...shape] };
}

/** Voxels per axis of a box. */
export function bboxShape(box: BBox): number[] {
  return box.start.map((s, i) => box.stop[i] - s);
}

/** Number of voxels of a shape. */
export function product(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

/**
 * Checks that `box` is a well-formed, non-empty box inside `shape` and returns a copy.
 * Throws `VolumeBoundsError` naming the URI, the box and the shape otherwise.
 */
export function checkBBox(uri: string, shape: readonly number[], box: BBox | undefined): BBox {
  if (box === undefined) return fullBBox(shape);
  const { start, stop } = box;
  if (!Array.isArray(start) || !Array.isArray(stop) || start.length !== shape.length || stop.length !== shape.length) {
    throw new VolumeBoundsError(uri, `bbox needs ${shape.length} start and stop coordinates (volume shape ${formatShape(shape)}), got start ${JSON.stringify(start)} stop ${JSON.stringify(stop)}`);
  }
  for (let i = 0; i < shape.length; i++) {
    if (!Number.isInteger(start[i]) || !Number.isInteger(stop[i])) {
      throw new VolumeBoundsError(uri, `bbox coordinates must be integers, got ${formatBBox(box)}`);
    }
    if (stop[i] <= start[i]) throw new VolumeBoundsError(uri, `bbox ${formatBBox(box)} is empty on axis ${i}`);
    if (start[i] < 0 || stop[i] > shape[i]) {
      throw new VolumeBoundsError(uri, `bbox ${formatBBox(box)} lies outside the volume of shape ${formatShape(shape)}`);
    }
  }
  return { start: [...start], stop: [...stop] };
}

/** The intersection of two boxes, or undefined when they do not overlap. */
export function intersect(a: BBox, b: BBox): BBox | undefined {
  const start: number[] = [];
  const stop: number[] = [];
  for (let i = 0; i < a.start.length; i++) {
    start.push(Math.max(a.start[i], b.start[i]));
    stop.push(Math.min(a.stop[i], b.stop[i]));
    if (stop[i] <= start[i]) return undefined;
  }
  return { start, stop };
}

/** One chunk of a regular grid: its grid index and its voxel box (clipped at the volume edge). */
export interface GridChunk {
  index: number[];
  box: BBox;
}

/** The chunks of a regular grid of `chunkShape` over `shape` that intersect `box`, in C order. */
export function chunksInBox(shape: readonly number[], chunkShape: readonly number[], box: BBox): GridChunk[] {
  const lo = box.start.map((s, i) => Math.floor(s / chunkShape[i]));
  const hi = box.stop.map((s, i) => Math.ceil(s / chunkShape[i]));
  const out: GridChunk[] = [];
  const index = [...lo];
  const n = shape.length;
  for (;;) {
    const start = index.map((c, i) => c * chunkShape[i]);
    const stop = start.map((s, i) => Math.min(s + chunkShape[i], shape[i]));
    out.push({ index: [...index], box: { start, stop } });
    let axis = n - 1;
    while (axis >= 0 && ++index[axis] >= hi[axis]) {
      index[axis] = lo[axis];
      axis--;
    }
    if (axis < 0) return out;
  }
}
