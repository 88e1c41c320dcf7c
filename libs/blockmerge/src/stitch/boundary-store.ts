import { boxShape, type BlockGrid, type Box3, type Vec3 } from '../grid/block-grid';
import type { LocalIds } from './local-labels';

/**
 * What the stitcher keeps between blocks, in buffers allocated once per stitch (no
 * per-block long-lived allocations, which would fragment the allocator's heap between the
 * large short-lived block arrays and make the resident size creep with the block count):
 *
 * - the global ids on each read block's three high faces (last z layer, last y row, last x
 *   column), where every voxel of an earlier block that touches a later core lies;
 * - for `overlap`, each block's view (its own labels, as global ids) of the first layer of
 *   the next block along each axis;
 *
 * each in two planes alternating with the block's grid position along that axis: the z
 * planes span the bounds' `(y, x)`, the y planes one layer of blocks, the x planes one block.
 * The views of the ten edge and corner neighbours are a few voxels each and are kept as plain
 * arrays by target block.
 */
export class BoundaryStore {
  private readonly faces: Planes;
  private readonly views: Planes;
  private readonly edges = new Map<number, Array<{ box: Box3; ids: number[] }>>();

  constructor(private readonly grid: BlockGrid) {
    this.faces = new Planes(grid);
    this.views = new Planes(grid);
  }

  /** Keeps block `position`'s high faces: `ids` are local ids over `readBox` ⊇ `core`, stored as `offset + id` (0 stays 0). */
  putFaces(position: Vec3, core: Box3, ids: LocalIds, readBox: Box3, offset: number): void {
    for (let axis = 0; axis < 3; axis++) {
      const layer = core.stop[axis]! - 1;
      this.copy(this.faces, axis, position, layerBox(core, axis, layer), ids, readBox, offset);
    }
  }

  /** The global id at voxel `(z, y, x)` on the high face across `axis` of the block at `owner` (the voxel must lie on that face). */
  face(owner: Vec3, axis: number, z: number, y: number, x: number): number {
    return this.faces.get(axis, owner, z, y, x);
  }

  /**
   * Keeps block `position`'s view of its later neighbours' voxels in its one-voxel shell:
   * the first layer of the next block along each axis (planes) and the edge and corner voxels
   * (lists). `targets(d)` is the index of the block at `position + d`, or -1.
   */
  putViews(position: Vec3, core: Box3, ids: LocalIds, readBox: Box3, offset: number, targets: (d: Vec3) => number): void {
    for (let axis = 0; axis < 3; axis++) {
      const d: [number, number, number] = [0, 0, 0];
      d[axis] = 1;
      if (targets(d) < 0) continue;
      this.copy(this.views, axis, position, layerBox(core, axis, core.stop[axis]!), ids, readBox, offset);
    }
    const [, RY, RX] = boxShape(readBox);
    for (const d of EDGE_DIRECTIONS) {
      const target = targets(d);
      if (target < 0) continue;
      const b = shellBox(core, d);
      const list: number[] = [];
      for (let z = b.start[0]; z < b.stop[0]; z++) {
        for (let y = b.start[1]; y < b.stop[1]; y++) {
          for (let x = b.start[2]; x < b.stop[2]; x++) {
            const l = ids[((z - readBox.start[0]) * RY + (y - readBox.start[1])) * RX + (x - readBox.start[2])]!;
            list.push(l === 0 ? 0 : offset + l);
          }
        }
      }
      const entry = { box: b, ids: list };
      const pending = this.edges.get(target);
      if (pending) pending.push(entry);
      else this.edges.set(target, [entry]);
    }
  }

  /**
   * Calls `visit(globalIdInEarlierView, z, y, x)` for every voxel of the block at `position`
   * (index `index`) that an earlier neighbour saw in its shell, and forgets those views.
   */
  takeViews(index: number, position: Vec3, core: Box3, visit: (g: number, z: number, y: number, x: number) => void): void {
    for (let axis = 0; axis < 3; axis++) {
      if (position[axis] === 0) continue;
      const src: [number, number, number] = [position[0], position[1], position[2]];
      src[axis] -= 1;
      const b = layerBox(core, axis, core.start[axis]!);
      for (let z = b.start[0]; z < b.stop[0]; z++) {
        for (let y = b.start[1]; y < b.stop[1]; y++) {
          for (let x = b.start[2]; x < b.stop[2]; x++) visit(this.views.get(axis, src, z, y, x), z, y, x);
        }
      }
    }
    for (const { box: b, ids } of this.edges.get(index) ?? []) {
      let k = 0;
      for (let z = b.start[0]; z < b.stop[0]; z++) {
        for (let y = b.start[1]; y < b.stop[1]; y++) {
          for (let x = b.start[2]; x < b.stop[2]; x++, k++) visit(ids[k]!, z, y, x);
        }
      }
    }
    this.edges.delete(index);
  }

  private copy(planes: Planes, axis: number, position: Vec3, layer: Box3, ids: LocalIds, readBox: Box3, offset: number): void {
    const [, RY, RX] = boxShape(readBox);
    for (let z = layer.start[0]; z < layer.stop[0]; z++) {
      for (let y = layer.start[1]; y < layer.stop[1]; y++) {
        for (let x = layer.start[2]; x < layer.stop[2]; x++) {
          const l = ids[((z - readBox.start[0]) * RY + (y - readBox.start[1])) * RX + (x - readBox.start[2])]!;
          planes.set(axis, position, z, y, x, l === 0 ? 0 : offset + l);
        }
      }
    }
  }
}

/**
 * Two planes per axis, chosen by the parity of the writing block's position on that axis.
 * Axis 0 (z layers) is addressed by `(y, x)` over the bounds; axis 1 (y rows) by `(z, x)`,
 * z relative to the block layer's first z; axis 2 (x columns) by `(z, y)`, relative to the
 * block's core start.
 */
class Planes {
  private readonly z: [Uint32Array, Uint32Array];
  private readonly y: [Uint32Array, Uint32Array];
  private readonly x: [Uint32Array, Uint32Array];
  private readonly bounds: Box3;
  private readonly BX: number;
  private readonly SY: number;
  private readonly size: Vec3;

  constructor(grid: BlockGrid) {
    const [, BY, BX] = boxShape(grid.bounds);
    const [SZ, SY] = grid.size.map((s, a) => Math.min(s, boxShape(grid.bounds)[a]!));
    this.bounds = grid.bounds;
    this.BX = BX;
    this.SY = SY!;
    this.size = grid.size;
    this.z = [new Uint32Array(BY * BX), new Uint32Array(BY * BX)];
    this.y = [new Uint32Array(SZ! * BX), new Uint32Array(SZ! * BX)];
    this.x = [new Uint32Array(SZ! * SY!), new Uint32Array(SZ! * SY!)];
  }

  private index(axis: number, z: number, y: number, x: number): number {
    const b = this.bounds.start;
    if (axis === 0) return (y - b[1]) * this.BX + (x - b[2]);
    const dz = (z - b[0]) % this.size[0];
    if (axis === 1) return dz * this.BX + (x - b[2]);
    return dz * this.SY + ((y - b[1]) % this.size[1]);
  }

  private plane(axis: number, position: Vec3): Uint32Array {
    const p = position[axis]! & 1;
    return axis === 0 ? this.z[p] : axis === 1 ? this.y[p] : this.x[p];
  }

  get(axis: number, position: Vec3, z: number, y: number, x: number): number {
    return this.plane(axis, position)[this.index(axis, z, y, x)]!;
  }

  set(axis: number, position: Vec3, z: number, y: number, x: number, value: number): void {
    this.plane(axis, position)[this.index(axis, z, y, x)] = value;
  }
}

/** The 10 forward directions that are not along one axis (edge and corner neighbours whose first step is +1). */
const EDGE_DIRECTIONS: Vec3[] = (() => {
  const out: Vec3[] = [];
  for (let z = -1; z <= 1; z++) {
    for (let y = -1; y <= 1; y++) {
      for (let x = -1; x <= 1; x++) {
        const first = z !== 0 ? z : y !== 0 ? y : x;
        if (first === 1 && Math.abs(z) + Math.abs(y) + Math.abs(x) > 1) out.push([z, y, x]);
      }
    }
  }
  return out;
})();

/** The layer `axis = at` of `core` (one voxel thick on `axis`, the core's extent on the others). */
function layerBox(core: Box3, axis: number, at: number): Box3 {
  const start = [core.start[0], core.start[1], core.start[2]] as [number, number, number];
  const stop = [core.stop[0], core.stop[1], core.stop[2]] as [number, number, number];
  start[axis] = at;
  stop[axis] = at + 1;
  return { start, stop };
}

/** The voxels one step from `core` in direction `d`: the part of its one-voxel shell in the neighbour at `d`. */
export function shellBox(core: Box3, d: Vec3): Box3 {
  const start: number[] = [];
  const stop: number[] = [];
  for (let a = 0; a < 3; a++) {
    start.push(d[a] === -1 ? core.start[a]! - 1 : d[a] === 0 ? core.start[a]! : core.stop[a]!);
    stop.push(d[a] === -1 ? core.start[a]! : d[a] === 0 ? core.stop[a]! : core.stop[a]! + 1);
  }
  return { start: [start[0]!, start[1]!, start[2]!], stop: [stop[0]!, stop[1]!, stop[2]!] };
}
