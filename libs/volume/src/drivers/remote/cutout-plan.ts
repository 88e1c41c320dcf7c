/**
 * Splits a box into cutout requests of bounded size. Pieces are cells of a grid anchored at
 * coordinate 0 whose cell is a whole number of server blocks (bossDB cuboids, DVID blocks)
 * wherever it spans more than one, so requests line up with how the service stores data.
 */
import { bboxShape, product } from '../../core/bbox';
import type { BBox } from '../../volume.types';

/** How to split. */
export interface CutoutPlanOptions {
  /** Largest piece, voxels. */
  maxVoxels: number;
  /** Server block per axis (same axis order as the box). */
  align: readonly number[];
  /**
   * Pieces must be whole blocks (DVID writes): cells never shrink below one block, even when
   * one block holds more than `maxVoxels`. The box itself must then be block-aligned.
   */
  wholeBlocks?: boolean;
}

/** The cell shape: the box's shape, halved along its longest axis until it holds at most `maxVoxels`. */
export function cutoutCell(shape: readonly number[], o: CutoutPlanOptions): number[] {
  const cell = shape.map((s, i) => (s > o.align[i] ? Math.ceil(s / o.align[i]) * o.align[i] : s));
  const floor = o.align.map((a) => (o.wholeBlocks ? a : 1));
  while (product(cell) > o.maxVoxels) {
    let axis = -1;
    for (let i = 0; i < cell.length; i++) if (cell[i] > floor[i] && (axis < 0 || cell[i] > cell[axis])) axis = i;
    if (axis < 0) break;
    const half = Math.ceil(cell[axis] / 2);
    cell[axis] = half > o.align[axis] ? Math.ceil(half / o.align[axis]) * o.align[axis] : Math.max(half, floor[axis]);
  }
  return cell;
}

/**
 * The pieces of `box`, in C order (last axis fastest). A box that already fits in one
 * request is returned whole.
 */
export function planCutouts(box: BBox, o: CutoutPlanOptions): BBox[] {
  const shape = bboxShape(box);
  if (product(shape) <= o.maxVoxels) return [{ start: [...box.start], stop: [...box.stop] }];
  const cell = cutoutCell(shape, o);
  const ranges = shape.map((_, i) => {
    const out: [number, number][] = [];
    for (let s = Math.floor(box.start[i] / cell[i]) * cell[i]; s < box.stop[i]; s += cell[i]) {
      out.push([Math.max(s, box.start[i]), Math.min(s + cell[i], box.stop[i])]);
    }
    return out;
  });
  const pieces: BBox[] = [];
  const index = new Array<number>(shape.length).fill(0);
  for (;;) {
    pieces.push({ start: ranges.map((r, i) => r[index[i]][0]), stop: ranges.map((r, i) => r[index[i]][1]) });
    let axis = shape.length - 1;
    while (axis >= 0 && ++index[axis] >= ranges[axis].length) index[axis--] = 0;
    if (axis < 0) return pieces;
  }
}

/** `box` grown outwards to whole blocks of `align` (the smallest block-aligned box holding it). */
export function alignOutwards(box: BBox, align: readonly number[]): BBox {
  return {
    start: box.start.map((s, i) => Math.floor(s / align[i]) * align[i]),
    stop: box.stop.map((s, i) => Math.ceil(s / align[i]) * align[i]),
  };
}
