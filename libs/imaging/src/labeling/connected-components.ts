import { checkConnectivity, checkVolume, isBigIntArray } from '../core/shape';
import { linearOffsets, neighborhood } from '../core/neighborhood';
import { UnionFind } from '../core/union-find';
import type { Connectivity, LabelArray, Labeling, Shape3 } from '../core/volume.types';
import { ImagingShapeError } from '../errors/imaging-errors';
import { componentRuns, runComponents } from './run-components';

/** Options of {@link connectedComponents}. */
export interface ConnectedComponentsOptions {
  /** Neighbourhood: 6 (faces), 18 (faces, edges) or 26 (faces, edges, corners). Default 26. */
  readonly connectivity?: Connectivity;
  /**
   * Array to write the labels into (one per voxel; overwritten, and returned as `labels`),
   * e.g. to reuse one buffer over many blocks: fresh large arrays cost page faults.
   */
  readonly out?: Uint32Array;
}

/** Options of {@link labelComponents}. */
export interface LabelComponentsOptions extends ConnectedComponentsOptions {
  /**
   * Value that is background (gets label 0 and joins nothing); default `0`. `null` makes every
   * value, 0 included, a foreground value.
   */
  readonly background?: number | bigint | null;
}

/**
 * Connected components of a binary mask: every non-zero voxel is foreground.
 * Labels are `1..count`, numbered in raster (C) order of each component's first voxel,
 * so the result depends only on the mask. Works on x-runs of foreground (union-find over runs,
 * see `runComponents`): O(N + runs * neighbour rows), one `Uint32Array` output plus 12 bytes
 * per run.
 */
export function connectedComponents(mask: LabelArray, shape: Shape3, options: ConnectedComponentsOptions = {}): Labeling {
  const n = checkVolume('labels', mask, shape);
  if (options.out && options.out.length !== n) throw new ImagingShapeError(`out has ${options.out.length} values, the volume ${n}`);
  return runComponents(mask, shape, checkConnectivity(options.connectivity ?? 26), options.out);
}

/** The number of {@link connectedComponents} of a binary mask (default connectivity 26), without a label volume. */
export function countComponents(mask: LabelArray, shape: Shape3, options: { readonly connectivity?: Connectivity } = {}): number {
  checkVolume('labels', mask, shape);
  return componentRuns(mask, shape, checkConnectivity(options.connectivity ?? 26)).count;
}

/**
 * Connected components of a label volume: voxels are connected when they are adjacent and
 * hold the same value ("same label and adjacent"), so one label split into two pieces gives
 * two components. Numbering as {@link connectedComponents}. Works on 64-bit labels too.
 */
export function labelComponents(labels: LabelArray, shape: Shape3, options: LabelComponentsOptions = {}): Labeling {
  const bg = options.background === undefined ? 0 : options.background;
  const background = bg === null ? undefined : isBigIntArray(labels) ? BigInt(bg) : Number(bg);
  return label(labels, shape, options.connectivity ?? 26, background, true);
}

/**
 * The two passes. First pass: raster scan, each foreground voxel takes the provisional label of
 * an already-visited matching neighbour (or a new one) and unions the rest. Second pass: each
 * provisional label becomes its root, and roots are renumbered in order of first appearance.
 */
function label(
  values: LabelArray,
  shape: Shape3,
  connectivity: number,
  background: number | bigint | undefined,
  sameValue: boolean,
): Labeling {
  const n = checkVolume('labels', values, shape);
  const conn = checkConnectivity(connectivity);
  const [Z, Y, X] = shape;
  const out = new Uint32Array(n);
  if (n === 0) return { labels: out, count: 0 };
  const nb = neighborhood(conn, 'backward');
  const off = linearOffsets(nb, Y, X);
  const { dz, dy, dx, size } = nb;
  const uf = new UnionFind(1024);
  let i = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      const innerRow = z > 0 && y > 0 && y < Y - 1;
      for (let x = 0; x < X; x++, i++) {
        const v = values[i];
        if (v === background) continue;
        let lab = 0;
        if (innerRow && x > 0 && x < X - 1) {
          for (let k = 0; k < size; k++) {
            const j = i + off[k];
            const l = out[j];
            if (l === 0 || (sameValue && values[j] !== v)) continue;
            lab = lab === 0 ? l : lab === l ? lab : uf.union(lab, l);
          }
        } else {
          for (let k = 0; k < size; k++) {
            const nz = z + dz[k];
            const ny = y + dy[k];
            const nx = x + dx[k];
            if (nz < 0 || ny < 0 || ny >= Y || nx < 0 || nx >= X) continue;
            const j = i + off[k];
            const l = out[j];
            if (l === 0 || (sameValue && values[j] !== v)) continue;
            lab = lab === 0 ? l : lab === l ? lab : uf.union(lab, l);
          }
        }
        out[i] = lab === 0 ? uf.make() : lab;
      }
    }
  }
  const root = uf.flatten();
  const remap = new Uint32Array(uf.size + 1);
  let count = 0;
  for (let j = 0; j < n; j++) {
    const l = out[j];
    if (l === 0) continue;
    const r = root[l];
    let m = remap[r];
    if (m === 0) m = remap[r] = ++count;
    out[j] = m;
  }
  return { labels: out, count };
}
