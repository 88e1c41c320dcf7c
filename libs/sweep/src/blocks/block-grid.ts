import type { Box3, Vec3 } from './block-section';

/** What a block grid is cut from. All vectors `(z, y, x)`. */
export interface BlockGridSpec {
  /** The region the cores tile, `[start, stop)`. */
  bounds: Box3;
  /** Core size per axis; the last block per axis ends at `bounds.stop` (truncated). */
  size: Vec3;
  /** Voxels added on each side of a core. */
  halo: Vec3;
  /** Where halos are clamped: the volume's extent. Default: `bounds`. */
  frame?: Box3;
}

/** One block: its position in the grid, its core (which it owns) and its core plus halo. */
export interface Block {
  /** C-order index in the grid: z slowest, x fastest. */
  index: number;
  /** Grid coordinates `(iz, iy, ix)`. */
  position: Vec3;
  /** The region the block owns; the cores tile the bounds without overlap. */
  core: Box3;
  /** The core grown by the halo on each side, clamped to the frame. */
  halo: Box3;
}

/** A regular grid of blocks over a box. */
export interface BlockGrid {
  readonly spec: Required<BlockGridSpec>;
  /** Blocks per axis `(z, y, x)`. */
  readonly counts: Vec3;
  /** Blocks in all. */
  readonly total: number;
  /** Block `index` (C order). Throws RangeError outside `[0, total)`. */
  block(index: number): Block;
  /** The block at grid coordinates `(iz, iy, ix)`. */
  blockAt(position: Vec3): Block;
}

/**
 * Cuts `bounds` into blocks of `size` (the original's `[v, min(v + step, stop))` per
 * axis, so a remainder is a smaller last block, never dropped), each with a halo of
 * `halo` voxels per side clamped to `frame`. A size larger than the bounds gives one
 * block on that axis.
 */
export function blockGrid(spec: BlockGridSpec): BlockGrid {
  const full: Required<BlockGridSpec> = { ...spec, frame: spec.frame ?? spec.bounds };
  const { bounds, size, halo, frame } = full;
  const counts = [0, 1, 2].map((a) => Math.max(1, Math.ceil((bounds.stop[a]! - bounds.start[a]!) / size[a]!))) as Vec3;
  const total = counts[0] * counts[1] * counts[2];
  const blockAt = (position: Vec3): Block => {
    const core: Box3 = { start: [0, 0, 0], stop: [0, 0, 0] };
    const grown: Box3 = { start: [0, 0, 0], stop: [0, 0, 0] };
    for (let a = 0; a < 3; a++) {
      const start = bounds.start[a]! + position[a]! * size[a]!;
      const stop = Math.min(start + size[a]!, bounds.stop[a]!);
      core.start[a] = start;
      core.stop[a] = stop;
      grown.start[a] = Math.max(frame.start[a]!, start - halo[a]!);
      grown.stop[a] = Math.min(frame.stop[a]!, stop + halo[a]!);
    }
    const index = (position[0] * counts[1] + position[1]) * counts[2] + position[2];
    return { index, position: [...position] as Vec3, core, halo: grown };
  };
  return {
    spec: full,
    counts,
    total,
    blockAt,
    block(index: number): Block {
      if (!Number.isInteger(index) || index < 0 || index >= total) throw new RangeError(`block index ${index} is outside [0, ${total})`);
      const ix = index % counts[2];
      const iy = Math.floor(index / counts[2]) % counts[1];
      const iz = Math.floor(index / (counts[1] * counts[2]));
      return blockAt([iz, iy, ix]);
    },
  };
}
