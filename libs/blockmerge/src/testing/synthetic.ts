import { mulberry32 } from '@saber/imaging';
import type { Synapse } from '../graph/synapse-graph';
import type { Vec3 } from '../grid/block-grid';

/** Deterministic PRNG (mulberry32) in `[0, 1)`: the one `@saber/imaging` uses. */
export { mulberry32 };

/** Options of {@link syntheticSegmentation}. */
export interface SyntheticOptions {
  /** PRNG seed (default 1). */
  readonly seed?: number;
  /** Compact "cells": balls of radius 2..maxCellRadius (default: one per 20,000 voxels). */
  readonly cells?: number;
  /** Largest cell radius in voxels (default 6). */
  readonly maxCellRadius?: number;
  /** Long "neurites": tubes of radius 1..2 along random walks (default: one per 100,000 voxels). */
  readonly neurites?: number;
}

/** A synthetic labelled volume. */
export interface SyntheticSegmentation {
  readonly shape: Vec3;
  /** Object labels, `1..count`, 0 background; cells and neurites may touch (then they are different labels that touch). */
  readonly labels: Uint32Array;
  /** 1 on cell voxels only (each cell a ball, possibly touching another). */
  readonly cellMask: Uint8Array;
  readonly count: number;
}

/**
 * A deterministic synthetic segmentation for tests and benchmarks: compact balls ("cells",
 * detections) and long tubes that wander across the whole volume ("neurites", which cross
 * many block boundaries and so exercise the stitching). Later objects overwrite earlier ones.
 */
export function syntheticSegmentation(shape: Vec3, options: SyntheticOptions = {}): SyntheticSegmentation {
  const [Z, Y, X] = shape;
  const n = Z * Y * X;
  const rand = mulberry32(options.seed ?? 1);
  const labels = new Uint32Array(n);
  const cellMask = new Uint8Array(n);
  let count = 0;
  const ball = (cz: number, cy: number, cx: number, r: number, label: number, cell: boolean) => {
    const r2 = r * r;
    const ri = Math.ceil(r);
    for (let z = Math.max(0, Math.floor(cz) - ri); z <= Math.min(Z - 1, Math.floor(cz) + ri); z++) {
      for (let y = Math.max(0, Math.floor(cy) - ri); y <= Math.min(Y - 1, Math.floor(cy) + ri); y++) {
        for (let x = Math.max(0, Math.floor(cx) - ri); x <= Math.min(X - 1, Math.floor(cx) + ri); x++) {
          const d = (z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2;
          if (d > r2) continue;
          const i = (z * Y + y) * X + x;
          labels[i] = label;
          cellMask[i] = cell ? 1 : 0;
        }
      }
    }
  };
  const neurites = options.neurites ?? Math.max(1, Math.round(n / 100_000));
  for (let k = 0; k < neurites; k++) {
    const label = ++count;
    let p = [rand() * Z, rand() * Y, rand() * X];
    let dir = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
    const r = 1 + rand();
    const steps = Math.round((Z + Y + X) * 1.5);
    for (let s = 0; s < steps; s++) {
      ball(p[0]!, p[1]!, p[2]!, r, label, false);
      dir = dir.map((d) => d + (rand() - 0.5) * 0.4);
      const len = Math.hypot(dir[0]!, dir[1]!, dir[2]!) || 1;
      dir = dir.map((d) => d / len);
      p = p.map((c, a) => {
        const next = c + dir[a]!;
        const lim = shape[a]! - 1;
        if (next < 0 || next > lim) dir[a] = -dir[a]!;
        return Math.min(lim, Math.max(0, next));
      });
    }
  }
  const cells = options.cells ?? Math.max(1, Math.round(n / 20_000));
  const maxR = options.maxCellRadius ?? 6;
  for (let k = 0; k < cells; k++) ball(rand() * Z, rand() * Y, rand() * X, 2 + rand() * (maxR - 2), ++count, true);
  return { shape, labels, cellMask, count };
}

/** A synthetic synapse: a contact voxel and the labels on both sides of it. */
export interface SyntheticSynapse extends Synapse {
  readonly pre: number;
  readonly post: number;
}

/**
 * Synthetic synapses of a labelling over `box` (volume coordinates): every voxel `v` whose
 * `+x` neighbour carries another non-zero label, kept when its global raster index is a
 * multiple of `every` (so blocks and the whole volume pick the same voxels); `pre` is the
 * label at `v`, `post` the label at `v + x`. Only pairs inside `box` are seen.
 */
export function syntheticSynapses(labels: Uint32Array, box: { start: Vec3; stop: Vec3 }, volumeShape: Vec3, every = 7): SyntheticSynapse[] {
  const [Z, Y, X] = [box.stop[0] - box.start[0], box.stop[1] - box.start[1], box.stop[2] - box.start[2]];
  const out: SyntheticSynapse[] = [];
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        if (x + 1 >= X) continue;
        const a = labels[i]!;
        const b = labels[i + 1]!;
        if (a === 0 || b === 0 || a === b) continue;
        const gz = z + box.start[0];
        const gy = y + box.start[1];
        const gx = x + box.start[2];
        if (((gz * volumeShape[1] + gy) * volumeShape[2] + gx) % every !== 0) continue;
        out.push({ z: gz, y: gy, x: gx, pre: a, post: b });
      }
    }
  }
  return out;
}

/**
 * A boundary probability map of a labelling: 1 on voxels with a 6-neighbour of another label
 * (the object surfaces), 0 elsewhere, as `Float32Array`. What a membrane classifier would give
 * for a perfect segmentation; smoothed and flooded, it gives the objects back.
 */
export function syntheticBoundaryProbability(labels: Uint32Array, shape: Vec3): Float32Array {
  const [Z, Y, X] = shape;
  const p = new Float32Array(labels.length);
  const YX = Y * X;
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        const l = labels[i];
        if (
          (x + 1 < X && labels[i + 1] !== l) || (x > 0 && labels[i - 1] !== l) ||
          (y + 1 < Y && labels[i + X] !== l) || (y > 0 && labels[i - X] !== l) ||
          (z + 1 < Z && labels[i + YX] !== l) || (z > 0 && labels[i - YX] !== l)
        ) p[i] = 1;
      }
    }
  }
  return p;
}
