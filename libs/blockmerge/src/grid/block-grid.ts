/** Three integers `(z, y, x)`, C order as in `@saber/volume`. */
export type Vec3 = readonly [number, number, number];

/** A half-open box `[start, stop)` per axis, `(z, y, x)`, in voxels of the volume. */
export interface Box3 {
  readonly start: Vec3;
  readonly stop: Vec3;
}

/** What a block grid is cut from. Vectors are `(z, y, x)`. */
export interface BlockGridSpec {
  /** The region the cores tile, `[start, stop)`; the stitched output covers exactly this box. */
  readonly bounds: Box3;
  /** Core size per axis; the last block per axis ends at `bounds.stop` (truncated). */
  readonly size: Vec3;
  /** Voxels added on each side of a core (0 or more). */
  readonly halo: Vec3;
  /** Where halos are clamped: the volume's extent. Default `bounds`. */
  readonly frame?: Box3;
}

/** One block: grid position, the core it owns, and the core grown by the halo (what it reads). */
export interface GridBlock {
  /** C-order index in the grid: z slowest, x fastest. */
  readonly index: number;
  /** Grid coordinates `(iz, iy, ix)`. */
  readonly position: Vec3;
  /** The region the block owns; the cores tile `bounds` without overlap. */
  readonly core: Box3;
  /** The core grown by the halo on each side, clamped to the frame. */
  readonly halo: Box3;
}

/**
 * A regular grid of blocks: the same geometry as the blocker's sweeps (`@saber/sweep`
 * `blockGrid`, the original's `[v, min(v + step, stop))` per axis), so a `merge.requested`
 * message's blocks can be checked against it voxel for voxel.
 */
export class BlockGrid {
  /** Blocks per axis `(z, y, x)`. */
  readonly counts: Vec3;
  /** Blocks in all. */
  readonly total: number;
  /** The tiled region. */
  readonly bounds: Box3;
  /** Core size per axis. */
  readonly size: Vec3;
  /** Halo per axis. */
  readonly halo: Vec3;
  /** Where halos are clamped. */
  readonly frame: Box3;

  constructor(spec: BlockGridSpec) {
    const frame = spec.frame ?? spec.bounds;
    for (let a = 0; a < 3; a++) {
      const s = spec.size[a]!;
      const h = spec.halo[a]!;
      if (!Number.isInteger(s) || s < 1) throw new RangeError(`block size must be positive integers, got (${spec.size.join(', ')})`);
      if (!Number.isInteger(h) || h < 0) throw new RangeError(`halo must be non-negative integers, got (${spec.halo.join(', ')})`);
      if (!(spec.bounds.start[a]! < spec.bounds.stop[a]!)) throw new RangeError(`bounds must be non-empty on every axis, got ${formatBox(spec.bounds)}`);
      if (frame.start[a]! > spec.bounds.start[a]! || frame.stop[a]! < spec.bounds.stop[a]!) {
        throw new RangeError(`bounds ${formatBox(spec.bounds)} must lie inside the frame ${formatBox(frame)}`);
      }
    }
    this.bounds = spec.bounds;
    this.size = spec.size;
    this.halo = spec.halo;
    this.frame = frame;
    this.counts = [0, 1, 2].map((a) => Math.ceil((spec.bounds.stop[a]! - spec.bounds.start[a]!) / spec.size[a]!)) as unknown as Vec3;
    this.total = this.counts[0] * this.counts[1] * this.counts[2];
  }

  /** Block `index` (C order). Throws RangeError outside `[0, total)`. */
  block(index: number): GridBlock {
    if (!Number.isInteger(index) || index < 0 || index >= this.total) throw new RangeError(`block index ${index} is outside [0, ${this.total})`);
    const [, cy, cx] = this.counts;
    const ix = index % cx;
    const iy = Math.floor(index / cx) % cy;
    const iz = Math.floor(index / (cx * cy));
    return this.blockAt([iz, iy, ix]);
  }

  /** The block at grid coordinates `(iz, iy, ix)`. */
  blockAt(position: Vec3): GridBlock {
    const cs: number[] = [];
    const ce: number[] = [];
    const hs: number[] = [];
    const he: number[] = [];
    for (let a = 0; a < 3; a++) {
      const p = position[a]!;
      if (!Number.isInteger(p) || p < 0 || p >= this.counts[a]!) throw new RangeError(`block position (${position.join(', ')}) is outside the grid (${this.counts.join(', ')})`);
      const start = this.bounds.start[a]! + p * this.size[a]!;
      const stop = Math.min(start + this.size[a]!, this.bounds.stop[a]!);
      cs.push(start);
      ce.push(stop);
      hs.push(Math.max(this.frame.start[a]!, start - this.halo[a]!));
      he.push(Math.min(this.frame.stop[a]!, stop + this.halo[a]!));
    }
    const index = (position[0] * this.counts[1] + position[1]) * this.counts[2] + position[2];
    return { index, position: [position[0], position[1], position[2]], core: box(cs, ce), halo: box(hs, he) };
  }

  /** Grid position of the block whose core holds voxel `(z, y, x)`; undefined outside `bounds`. */
  positionOf(z: number, y: number, x: number): Vec3 | undefined {
    const v = [z, y, x];
    const p: number[] = [];
    for (let a = 0; a < 3; a++) {
      const c = v[a]!;
      if (c < this.bounds.start[a]! || c >= this.bounds.stop[a]!) return undefined;
      p.push(Math.floor((c - this.bounds.start[a]!) / this.size[a]!));
    }
    return p as unknown as Vec3;
  }

  /** Index of the block whose core holds voxel `(z, y, x)`, or -1 outside `bounds`. */
  indexOf(z: number, y: number, x: number): number {
    const p = this.positionOf(z, y, x);
    return p ? (p[0] * this.counts[1] + p[1]) * this.counts[2] + p[2] : -1;
  }

  /** Voxels in `bounds`. */
  get voxels(): number {
    return boxVolume(this.bounds);
  }
}

/** A box from two per-axis lists. */
export function box(start: readonly number[], stop: readonly number[]): Box3 {
  return { start: [start[0]!, start[1]!, start[2]!], stop: [stop[0]!, stop[1]!, stop[2]!] };
}

/** Shape `(Z, Y, X)` of a box. */
export function boxShape(b: Box3): Vec3 {
  return [b.stop[0] - b.start[0], b.stop[1] - b.start[1], b.stop[2] - b.start[2]];
}

/** Voxels in a box (0 for an empty one). */
export function boxVolume(b: Box3): number {
  const s = boxShape(b);
  return Math.max(0, s[0]) * Math.max(0, s[1]) * Math.max(0, s[2]);
}

/** True when `inner` lies inside `outer`. */
export function boxContains(outer: Box3, inner: Box3): boolean {
  for (let a = 0; a < 3; a++) if (inner.start[a]! < outer.start[a]! || inner.stop[a]! > outer.stop[a]!) return false;
  return true;
}

/** The intersection of two boxes (possibly empty: some `stop <= start`). */
export function boxIntersect(a: Box3, b: Box3): Box3 {
  return box(
    [0, 1, 2].map((i) => Math.max(a.start[i]!, b.start[i]!)),
    [0, 1, 2].map((i) => Math.min(a.stop[i]!, b.stop[i]!)),
  );
}

/** `b` grown by `by` voxels on every side (per axis), clipped to `within`. */
export function boxGrow(b: Box3, by: Vec3 | number, within: Box3): Box3 {
  const g = typeof by === 'number' ? [by, by, by] : by;
  return box(
    [0, 1, 2].map((i) => Math.max(within.start[i]!, b.start[i]! - g[i]!)),
    [0, 1, 2].map((i) => Math.min(within.stop[i]!, b.stop[i]! + g[i]!)),
  );
}

/** `[z0, y0, x0]-[z1, y1, x1]` for messages. */
export function formatBox(b: Box3): string {
  return `[${b.start.join(', ')}]-[${b.stop.join(', ')}]`;
}

/** Typed arrays {@link cropBox} copies from (every label and landscape array). */
type AnyTypedArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

/**
 * Copies box `sub` out of an array laid out over box `outer` (C order) into a new array of
 * the same type. `sub` must lie inside `outer`.
 */
export function cropBox<T extends AnyTypedArray>(data: T, outer: Box3, sub: Box3): T {
  const [, OY, OX] = boxShape(outer);
  const [SZ, SY, SX] = boxShape(sub);
  const Ctor = data.constructor as new (n: number) => T;
  const out = new Ctor(SZ * SY * SX);
  const src = data as unknown as Uint8Array;
  const dst = out as unknown as Uint8Array;
  let o = 0;
  for (let z = 0; z < SZ; z++) {
    for (let y = 0; y < SY; y++) {
      const s = ((sub.start[0] - outer.start[0] + z) * OY + (sub.start[1] - outer.start[1] + y)) * OX + (sub.start[2] - outer.start[2]);
      dst.set(src.subarray(s, s + SX), o);
      o += SX;
    }
  }
  return out;
}
