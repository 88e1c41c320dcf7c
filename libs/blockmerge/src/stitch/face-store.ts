import { boxShape, type Box3 } from '../grid/block-grid';

interface Faces {
  readonly core: Box3;
  /** Last z layer of the core, `(y, x)`. */
  readonly z: Uint32Array;
  /** Last y row of the core, `(z, x)`. */
  readonly y: Uint32Array;
  /** Last x column of the core, `(z, y)`. */
  readonly x: Uint32Array;
}

/**
 * The global ids on the three high faces (last z layer, last y row, last x column) of the
 * blocks already read, which is where every voxel of an earlier block that touches a later
 * block's core lies. A block's faces are dropped once the last block that can touch it
 * (grid position + (1, 1, 1)) has been read, so about one plane of the volume is held.
 */
export class FaceStore {
  private readonly faces = new Map<number, Faces>();

  /**
   * Keeps block `index`'s faces: `ids` are local ids over `readBox` (which contains `core`),
   * stored as `offset + id` (0 stays 0).
   */
  put(index: number, core: Box3, ids: Uint32Array, readBox: Box3, offset: number): void {
    const [CZ, CY, CX] = boxShape(core);
    const [, RY, RX] = boxShape(readBox);
    const at = (z: number, y: number, x: number) => ((z - readBox.start[0]) * RY + (y - readBox.start[1])) * RX + (x - readBox.start[2]);
    const g = (i: number) => (ids[i] === 0 ? 0 : offset + ids[i]!);
    const zf = new Uint32Array(CY * CX);
    const yf = new Uint32Array(CZ * CX);
    const xf = new Uint32Array(CZ * CY);
    const [z0, y0, x0] = core.start;
    const zl = core.stop[0] - 1;
    const yl = core.stop[1] - 1;
    const xl = core.stop[2] - 1;
    for (let y = 0; y < CY; y++) for (let x = 0, i = at(zl, y0 + y, x0); x < CX; x++, i++) zf[y * CX + x] = g(i);
    for (let z = 0; z < CZ; z++) for (let x = 0, i = at(z0 + z, yl, x0); x < CX; x++, i++) yf[z * CX + x] = g(i);
    for (let z = 0; z < CZ; z++) for (let y = 0; y < CY; y++) xf[z * CY + y] = g(at(z0 + z, y0 + y, xl));
    this.faces.set(index, { core, z: zf, y: yf, x: xf });
  }

  /**
   * The global id at voxel `(z, y, x)` on block `index`'s high face across `axis` (0 = z,
   * 1 = y, 2 = x): the voxel must lie on that face.
   */
  at(index: number, axis: number, z: number, y: number, x: number): number {
    const f = this.faces.get(index);
    if (!f) throw new Error(`faces of block ${index} are not held`);
    const c = f.core;
    const CY = c.stop[1] - c.start[1];
    const CX = c.stop[2] - c.start[2];
    if (axis === 0) return f.z[(y - c.start[1]) * CX + (x - c.start[2])]!;
    if (axis === 1) return f.y[(z - c.start[0]) * CX + (x - c.start[2])]!;
    return f.x[(z - c.start[0]) * CY + (y - c.start[1])]!;
  }

  /** Forgets block `index`'s faces. */
  drop(index: number): void {
    this.faces.delete(index);
  }

  /** Blocks whose faces are held. */
  get size(): number {
    return this.faces.size;
  }
}
