import { mapLabels, neighborhood, UnionFind, type Connectivity } from '@saber/imaging';
import { IncompleteBlocksError, InvalidLabelsError } from '../errors';
import { boxContains, boxGrow, boxShape, formatBox, type BlockGrid, type Vec3 } from '../grid/block-grid';
import { BoundaryStore, shellBox } from './boundary-store';
import type { LabelSink } from './label-sink';
import type { BlockLabelSource } from './label-source';
import { keepsLabels, localIdOf, localize, relocalize, type LocalIdTable } from './local-labels';

/**
 * How labels of neighbouring blocks are joined across a core boundary.
 * - `adjacency`: two labelled voxels in different cores that touch (under `connectivity`)
 *   are the same object. Needs only the cores. Exact for connected components.
 * - `overlap`: each block also labelled the one-voxel shell around its core (voxels of its
 *   neighbours' cores); a voxel's label in the later block's view is joined to its label in
 *   its owner's view. Needs results over at least core + 1 voxel. Exact for connected
 *   components, and for seeded watershed when the halo covers every shell voxel's
 *   dependency set (see `certifyWatershedHalo` and the README).
 */
export type MatchRule = 'adjacency' | 'overlap';

/** Options of {@link stitchLabels}. */
export interface StitchOptions {
  /**
   * Matching rule. `auto` (default): `overlap` when block 0's result covers its core plus
   * the one-voxel shell, else `adjacency`.
   */
  readonly match?: MatchRule | 'auto';
  /** Connectivity of `adjacency` matching: 6, 18 or 26 (default 26). Unused by `overlap`. */
  readonly connectivity?: Connectivity;
  /** Called after each block of each pass (e.g. to heartbeat a bus message). */
  readonly onProgress?: (pass: 1 | 2, done: number, total: number) => void;
}

/** What a stitch did. */
export interface StitchResult {
  /** Objects in the output: ids `1..count`. */
  readonly count: number;
  readonly match: MatchRule;
  /** Block-local labels in all (the size of the union-find). */
  readonly localLabels: number;
  /** Unions that joined two different sets. */
  readonly unions: number;
  /**
   * `overlap` only: shell voxels that one block labelled and the other left at 0. Always 0
   * when every block ran the same labelling on the same data; non-zero means the blocks
   * disagree about the foreground.
   */
  readonly disagreements: number;
  /** Seconds of the matching pass and of the relabel-and-write pass. */
  readonly seconds: { readonly match: number; readonly relabel: number };
  /** The output id of a block's local label (0 for background, or a label the block does not have). */
  globalId(block: number, label: number | bigint): number;
}

/**
 * Stitches block-local labellings into one labelling of the grid's bounds with globally
 * unique ids, streaming block by block in grid order.
 *
 * Pass 1 reads each block once (its core, plus the one-voxel shell for `overlap`) and gives
 * its labels global ids `offset_b + l`, where `offset_b` is the running sum of the earlier
 * blocks' label counts, so ids are deterministic. It joins them with the earlier neighbours'
 * labels through the faces and shell views those left behind ({@link BoundaryStore}) and
 * records each id's first voxel in raster order. The final ids number the joined sets in
 * raster order of their first voxel, which is exactly how `connectedComponents` numbers a
 * whole volume, so the result does not depend on the block size. Pass 2 reads each core
 * again, relabels it and writes it, reading the next core while it writes.
 *
 * Memory: the block being read, two planes per axis of boundary ids allocated once, one
 * output buffer (and one of ids, for labels of another type than Uint8, Uint16 or Uint32,
 * or sparse ones), and 16 bytes per block-local label; never the whole volume.
 */
export async function stitchLabels(grid: BlockGrid, source: BlockLabelSource, sink: LabelSink, options: StitchOptions = {}): Promise<StitchResult> {
  const total = grid.total;
  const [cz, cy, cx] = grid.counts;
  const bounds = grid.bounds;
  const [, BY, BX] = boxShape(bounds);
  const t0 = performance.now();
  let match = options.match ?? 'auto';
  if (match === 'auto') {
    const b0 = grid.block(0);
    match = boxContains(await source.extent(b0), boxGrow(b0.core, 1, bounds)) ? 'overlap' : 'adjacency';
  }
  const nb = neighborhood(options.connectivity ?? 26);
  const directions = neighbourDirections(-1);
  const uf = new UnionFind();
  let first = new Float64Array(1024).fill(Infinity);
  const offsets = new Float64Array(total);
  const tables: LocalIdTable[] = new Array(total);
  const store = new BoundaryStore(grid);
  // The blocks' ids when their labels are of another type than Uint8, Uint16 or Uint32: one array for all.
  let scratch = new Uint32Array(0);
  let disagreements = 0;

  for (let b = 0; b < total; b++) {
    const block = grid.block(b);
    const core = block.core;
    const readBox = match === 'overlap' ? boxGrow(core, 1, bounds) : core;
    const extent = await source.extent(block);
    if (!boxContains(extent, readBox)) {
      const need = match === 'overlap' ? `its core plus a one-voxel shell ${formatBox(readBox)}` : `its core ${formatBox(readBox)}`;
      throw new IncompleteBlocksError(`block ${b}'s result covers ${formatBox(extent)}; ${match} matching needs ${need}`, [`block ${b}: covers ${formatBox(extent)}, needs ${formatBox(readBox)}`]);
    }
    const labels = await source.read(block, readBox);
    if (!keepsLabels(labels) && scratch.length < labels.length) scratch = new Uint32Array(labels.length);
    const { ids, table } = localize(labels, `block ${b}`, scratch);
    tables[b] = table;
    const offset = uf.size;
    offsets[b] = offset;
    uf.add(table.count);
    if (uf.size + 1 > first.length) {
      let cap = first.length;
      while (cap < uf.size + 1) cap *= 2;
      const grown = new Float64Array(cap).fill(Infinity);
      grown.set(first.subarray(0, offset + 1));
      first = grown;
    }
    const [, RY, RX] = boxShape(readBox);
    const rs = readBox.start;
    // First voxel of each id, in raster order of the bounds (core raster order is global raster order).
    // The scan ends once every id of the block has its first voxel.
    let unseen = table.count;
    for (let z = core.start[0]; z < core.stop[0] && unseen > 0; z++) {
      for (let y = core.start[1]; y < core.stop[1] && unseen > 0; y++) {
        let i = ((z - rs[0]) * RY + (y - rs[1])) * RX + (core.start[2] - rs[2]);
        const g0 = ((z - bounds.start[0]) * BY + (y - bounds.start[1])) * BX - bounds.start[2];
        for (let x = core.start[2]; x < core.stop[2]; x++, i++) {
          const l = ids[i]!;
          if (l !== 0 && first[offset + l] === Infinity) {
            first[offset + l] = g0 + x;
            unseen--;
          }
        }
      }
    }
    // Overlap: join the earlier blocks' views of this core with this block's labels, and keep this block's views of the later ones.
    if (match === 'overlap') {
      store.takeViews(b, block.position, core, (g, z, y, x) => {
        const l = ids[((z - rs[0]) * RY + (y - rs[1])) * RX + (x - rs[2])]!;
        if (g !== 0 && l !== 0) {
          uf.union(g, offset + l);
        } else if (g !== l) disagreements++;
      });
      store.putViews(block.position, core, ids, readBox, offset, (d) => neighbour(block.position, d));
    }
    // Join with the earlier neighbours through their high faces.
    for (const d of directions) {
      if (neighbour(block.position, d) < 0) continue;
      const owner: Vec3 = [block.position[0] + d[0], block.position[1] + d[1], block.position[2] + d[2]];
      const axis = d[0] !== 0 ? 0 : d[1] !== 0 ? 1 : 2;
      const sub = shellBox(core, d);
      for (let z = sub.start[0]; z < sub.stop[0]; z++) {
        for (let y = sub.start[1]; y < sub.stop[1]; y++) {
          for (let x = sub.start[2]; x < sub.stop[2]; x++) {
            const g = store.face(owner, axis, z, y, x);
            if (match === 'overlap') {
              const l = ids[((z - rs[0]) * RY + (y - rs[1])) * RX + (x - rs[2])]!;
              if (g !== 0 && l !== 0) {
                uf.union(g, offset + l);
              } else if (g !== l) disagreements++;
              continue;
            }
            if (g === 0) continue;
            for (let k = 0; k < nb.size; k++) {
              const pz = z + nb.dz[k]!;
              const py = y + nb.dy[k]!;
              const px = x + nb.dx[k]!;
              if (pz < core.start[0] || pz >= core.stop[0] || py < core.start[1] || py >= core.stop[1] || px < core.start[2] || px >= core.stop[2]) continue;
              const l = ids[((pz - rs[0]) * RY + (py - rs[1])) * RX + (px - rs[2])]!;
              if (l !== 0) uf.union(g, offset + l);
            }
          }
        }
      }
    }
    store.putFaces(block.position, core, ids, readBox, offset);
    options.onProgress?.(1, b + 1, total);
  }

  // Number the sets in raster order of their first voxel.
  const n = uf.size;
  const parent = uf.flatten();
  for (let g = 1; g <= n; g++) {
    const r = parent[g]!;
    if (first[g]! < first[r]!) first[r] = first[g]!;
  }
  const roots: number[] = [];
  for (let g = 1; g <= n; g++) if (parent[g] === g && first[g] !== Infinity) roots.push(g);
  roots.sort((a, b) => first[a]! - first[b]!);
  const finalId = new Uint32Array(n + 1);
  for (let k = 0; k < roots.length; k++) finalId[roots[k]!] = k + 1;
  for (let g = 1; g <= n; g++) finalId[g] = finalId[parent[g]!]!;
  const count = roots.length;
  first = new Float64Array(0);
  uf.parent = new Uint32Array(2);
  const t1 = performance.now();

  await sink.open(count, bounds);
  // The next block is read while this one is written (the source's array and the output buffer are distinct).
  const buffer = new Uint32Array(Math.min(grid.size[0], boxShape(bounds)[0]) * Math.min(grid.size[1], BY) * Math.min(grid.size[2], BX));
  let labels = await source.read(grid.block(0), grid.block(0).core);
  for (let b = 0; b < total; b++) {
    const block = grid.block(b);
    const table = tables[b]!;
    // Dense unsigned labels are their own ids, checked against the first read by mapLabels.
    const ids = table.kind === 'dense' && keepsLabels(labels) ? labels : relocalize(labels, table, `block ${b}`, scratch);
    const offset = offsets[b]!;
    const out = buffer.subarray(0, ids.length);
    // Local id l is global id offset + l: the table's window from offset (its first entry is never read).
    const bad = mapLabels(ids, finalId.subarray(offset, offset + table.count + 1), out);
    if (bad >= 0) throw new InvalidLabelsError(`block ${b}: label ${ids[bad]} was not there on the first read`);
    const next = b + 1 < total ? grid.block(b + 1) : undefined;
    const [, read] = await Promise.all([sink.write(block.core, out), next && source.read(next, next.core)]);
    if (read) labels = read;
    options.onProgress?.(2, b + 1, total);
  }
  await sink.close();
  await source.close?.();
  const t2 = performance.now();

  return {
    count,
    match,
    localLabels: n,
    unions: uf.merges,
    disagreements,
    seconds: { match: (t1 - t0) / 1000, relabel: (t2 - t1) / 1000 },
    globalId(block: number, label: number | bigint): number {
      const table = tables[block];
      if (!table) return 0;
      const l = localIdOf(label, table);
      return l === 0 ? 0 : finalId[offsets[block]! + l]!;
    },
  };

  /** Index of the block at `position + d`, or -1 outside the grid. */
  function neighbour(position: Vec3, d: Vec3): number {
    const z = position[0] + d[0];
    const y = position[1] + d[1];
    const x = position[2] + d[2];
    if (z < 0 || y < 0 || x < 0 || z >= cz || y >= cy || x >= cx) return -1;
    return (z * cy + y) * cx + x;
  }
}

/** The 13 neighbour directions whose first non-zero step is `sign`: earlier blocks in C order (-1), or later ones (+1). */
function neighbourDirections(sign: -1 | 1): Vec3[] {
  const out: Vec3[] = [];
  for (let z = -1; z <= 1; z++) {
    for (let y = -1; y <= 1; y++) {
      for (let x = -1; x <= 1; x++) {
        const first = z !== 0 ? z : y !== 0 ? y : x;
        if (first === sign) out.push([z, y, x]);
      }
    }
  }
  return out;
}
