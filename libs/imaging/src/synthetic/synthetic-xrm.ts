import { voxelCount } from '../core/shape';
import type { Shape3 } from '../core/volume.types';
import { ImagingOptionError } from '../errors/imaging-errors';
import { gaussianDraw, mulberry32 } from '../classify/random';
import { distanceTransform } from '../distance/distance-transform';
import { gaussianFilter } from '../filters/gaussian-filter';
import { labelCentroids } from '../labeling/label-centroids';

/** Options of {@link syntheticXrm}; every range is `[min, max]`, drawn uniformly. */
export interface SyntheticXrmOptions {
  /** `(Z, Y, X)`. Default `[128, 128, 128]`. */
  readonly shape?: Shape3;
  /** Seed: the same seed and options give the same volume, bit for bit. Default 1. */
  readonly seed?: number;
  /** Number of cells to place (fewer if they do not fit). Default: one per 40,000 voxels. */
  readonly cells?: number;
  /** Mean semi-axis of a cell, voxels. Default `[6, 9]` (diameters 12-18, xbrain's template 18). */
  readonly cellRadius?: readonly [number, number];
  /** Each semi-axis is the mean times `1 ± elongation` (uniform). Default 0.2. */
  readonly cellElongation?: number;
  /** How much darker than the background a cell is. Default `[0.15, 0.3]`. */
  readonly cellContrast?: readonly [number, number];
  /** Free space kept between two cells and between a cell and a vessel, voxels. Default 3. */
  readonly gap?: number;
  /** Number of vessel trees, each entering through a face and branching. Default: one per 2^19 voxels, at least 2. */
  readonly vessels?: number;
  /** Radius of a vessel trunk, voxels; branches are thinner (x0.75 per generation, not below the minimum). Default `[2.5, 4]`. */
  readonly vesselRadius?: readonly [number, number];
  /** Intensity of the background (before the gradient and the noise). Default 0.6. */
  readonly background?: number;
  /** Intensity of vessel lumen. Default 0.15. */
  readonly vesselIntensity?: number;
  /** Sigma of the Gaussian blur of the rendered image (point spread), voxels. Default 1. */
  readonly blur?: number;
  /** Relative intensity change from the first to the last x (an illumination gradient). Default 0.3. */
  readonly gradient?: number;
  /** Photons per unit intensity for the shot (Poisson) noise; 0: no noise. Default 80. */
  readonly photons?: number;
}

/** A placed cell: centre and semi-axes as drawn, and the centroid of its rendered voxels. */
export interface SyntheticCell {
  /** Label in {@link SyntheticXrm.cells}. */
  readonly label: number;
  /** Centroid `(z, y, x)` of the cell's voxels (what ground-truth scoring uses). */
  readonly z: number;
  readonly y: number;
  readonly x: number;
  /** Voxels of the cell. */
  readonly voxels: number;
  /** Semi-axes of the ellipsoid, voxels. */
  readonly radii: readonly [number, number, number];
  /** Intensity drop below the background. */
  readonly contrast: number;
}

/** A synthetic X-ray microtomography volume with its ground truth. */
export interface SyntheticXrm {
  readonly shape: Shape3;
  /** The image, float32, roughly in [0, 1]. */
  readonly image: Float32Array;
  /** Cell labels `1..cells.length`, 0 elsewhere. */
  readonly cells: Uint32Array;
  /** 1 inside vessels. */
  readonly vessels: Uint8Array;
  /** The cells with at least one voxel, by label. */
  readonly cellList: SyntheticCell[];
}

type Vec = [number, number, number];

/**
 * A synthetic X-ray microtomography volume of brain tissue with exact ground truth, deterministic
 * from a seed: branching vessels (tubes along random walks that enter through a face and branch)
 * and cells (ellipsoids of varying size, elongation, orientation and contrast, kept `gap` voxels
 * from each other and from vessels), rendered as piecewise-constant intensities, blurred by a
 * Gaussian point spread, multiplied by an illumination gradient along x, and given Poisson shot
 * noise (Gaussian approximation above 30 expected photons). Ground truth is the rendered cell labels
 * and vessel mask before blurring.
 */
export function syntheticXrm(options: SyntheticXrmOptions = {}): SyntheticXrm {
  const shape = options.shape ?? [128, 128, 128];
  const n = voxelCount(shape);
  const [Z, Y, X] = shape;
  const rand = mulberry32(options.seed ?? 1);
  const range = (r: readonly [number, number]): number => r[0] + (r[1] - r[0]) * rand();
  const cellRadius = options.cellRadius ?? [6, 9];
  const vesselRadius = options.vesselRadius ?? [2.5, 4];
  const cellContrast = options.cellContrast ?? [0.15, 0.3];
  for (const [name, r] of [['cellRadius', cellRadius], ['vesselRadius', vesselRadius], ['cellContrast', cellContrast]] as const) {
    if (!(r[0] > 0) || !(r[1] >= r[0]) || !Number.isFinite(r[1])) throw new ImagingOptionError(`${name} must be [min, max] with 0 < min <= max, got ${JSON.stringify(r)}`);
  }
  const elong = options.cellElongation ?? 0.2;
  const gap = options.gap ?? 3;
  const nCells = options.cells ?? Math.round(n / 40000);
  const nTrees = options.vessels ?? Math.max(2, Math.round(n / 2 ** 19));
  const background = options.background ?? 0.6;
  const vesselIntensity = options.vesselIntensity ?? 0.15;
  const blur = options.blur ?? 1;
  const gradient = options.gradient ?? 0.3;
  const photons = options.photons ?? 80;

  // Vessels: random-walk trees of tube segments.
  const vessels = new Uint8Array(n);
  for (let t = 0; t < nTrees && n > 0; t++) {
    const axis = Math.floor(rand() * 3);
    const side = rand() < 0.5 ? 0 : 1;
    const p: Vec = [rand() * Z, rand() * Y, rand() * X];
    p[axis] = side === 0 ? 0 : shape[axis] - 1;
    const dir: Vec = [gaussianDraw(rand) * 0.3, gaussianDraw(rand) * 0.3, gaussianDraw(rand) * 0.3];
    dir[axis] = side === 0 ? 1 : -1;
    const stack: { p: Vec; dir: Vec; r: number; depth: number }[] = [{ p, dir: unit(dir), r: range(vesselRadius), depth: 0 }];
    let segments = 0;
    while (stack.length && segments < 400) {
      const b = stack.pop() as { p: Vec; dir: Vec; r: number; depth: number };
      let q: Vec = b.p;
      let d = b.dir;
      for (let step = 0; step < 60; step++) {
        d = unit([d[0] + 0.15 * gaussianDraw(rand), d[1] + 0.15 * gaussianDraw(rand), d[2] + 0.15 * gaussianDraw(rand)]);
        const len = 5 + 6 * rand();
        const next: Vec = [q[0] + d[0] * len, q[1] + d[1] * len, q[2] + d[2] * len];
        renderTube(vessels, shape, q, next, b.r);
        segments++;
        q = next;
        if (next.some((c, a) => c < -b.r || c > shape[a] - 1 + b.r)) break;
        if (b.depth < 3 && rand() < 0.25) {
          const side2 = unit([gaussianDraw(rand), gaussianDraw(rand), gaussianDraw(rand)]);
          const bd = unit([d[0] + 1.2 * side2[0], d[1] + 1.2 * side2[1], d[2] + 1.2 * side2[2]]);
          stack.push({ p: q, dir: bd, r: Math.max(vesselRadius[0], b.r * 0.75), depth: b.depth + 1 });
        }
      }
    }
  }

  // Cells: ellipsoids by rejection sampling, away from vessels and from each other.
  const cells = new Uint32Array(n);
  const vesselDistance = n > 0 ? distanceTransform(Uint8Array.from(vessels, (v) => 1 - v), shape, { dtype: 'float32' }) : new Float32Array(0);
  const placed: { c: Vec; rmax: number; radii: Vec; contrast: number }[] = [];
  for (let attempt = 0; attempt < nCells * 200 && placed.length < nCells; attempt++) {
    const r = range(cellRadius);
    const radii: Vec = [r * (1 + elong * (2 * rand() - 1)), r * (1 + elong * (2 * rand() - 1)), r * (1 + elong * (2 * rand() - 1))];
    const rmax = Math.max(...radii);
    const c: Vec = [rand() * (Z - 1), rand() * (Y - 1), rand() * (X - 1)];
    const rot = randomRotation(rand);
    const contrast = range(cellContrast);
    const ci = (Math.round(c[0]) * Y + Math.round(c[1])) * X + Math.round(c[2]);
    if (vesselDistance[ci] <= rmax + gap) continue;
    if (placed.some((o) => dist(o.c, c) <= o.rmax + rmax + gap)) continue;
    placed.push({ c, rmax, radii, contrast });
    renderEllipsoid(cells, shape, c, radii, rot, placed.length);
  }

  // Image: piecewise constant, blurred, gradient, shot noise.
  const clean = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (vessels[i]) clean[i] = vesselIntensity;
    else if (cells[i]) clean[i] = background - placed[cells[i] - 1].contrast;
    else clean[i] = background;
  }
  const image = blur > 0 ? (gaussianFilter(clean, shape, blur) as Float32Array) : clean;
  for (let z = 0, i = 0; z < Z; z++) {
    for (let y = 0; y < Y; y++) {
      for (let x = 0; x < X; x++, i++) {
        let v = image[i] * (1 + gradient * (X > 1 ? x / (X - 1) - 0.5 : 0));
        if (photons > 0) v = poisson(rand, Math.max(0, v) * photons) / photons;
        image[i] = v;
      }
    }
  }
  const { sizes, centroids } = labelCentroids(cells, shape, placed.length);
  const cellList: SyntheticCell[] = [];
  for (let k = 1; k <= placed.length; k++) {
    const voxels = sizes[k];
    if (!voxels) continue;
    const [z, y, x] = [centroids[3 * k], centroids[3 * k + 1], centroids[3 * k + 2]];
    cellList.push({ label: k, z, y, x, voxels, radii: placed[k - 1].radii, contrast: placed[k - 1].contrast });
  }
  return { shape, image, cells, vessels, cellList };
}

function unit(v: Vec): Vec {
  const l = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / l, v[1] / l, v[2] / l];
}

function dist(a: Vec, b: Vec): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/** Sets every voxel within `r` of the segment `a`-`b`. */
function renderTube(mask: Uint8Array, shape: Shape3, a: Vec, b: Vec, r: number): void {
  const [, Y, X] = shape;
  const lo = [0, 1, 2].map((k) => Math.max(0, Math.floor(Math.min(a[k], b[k]) - r)));
  const hi = [0, 1, 2].map((k) => Math.min(shape[k] - 1, Math.ceil(Math.max(a[k], b[k]) + r)));
  const ab: Vec = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
  const ab2 = ab[0] * ab[0] + ab[1] * ab[1] + ab[2] * ab[2] || 1;
  const r2 = r * r;
  for (let z = lo[0]; z <= hi[0]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[2]; x <= hi[2]; x++) {
        const pz = z - a[0];
        const py = y - a[1];
        const px = x - a[2];
        let t = (pz * ab[0] + py * ab[1] + px * ab[2]) / ab2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const dz = pz - t * ab[0];
        const dy = py - t * ab[1];
        const dx = px - t * ab[2];
        if (dz * dz + dy * dy + dx * dx <= r2) mask[(z * Y + y) * X + x] = 1;
      }
    }
  }
}

/** A uniformly random rotation (Shoemake's quaternion method), rows of the matrix. */
function randomRotation(rand: () => number): number[] {
  const u1 = rand();
  const u2 = rand() * 2 * Math.PI;
  const u3 = rand() * 2 * Math.PI;
  const a = Math.sqrt(1 - u1);
  const b = Math.sqrt(u1);
  const [w, x, y, z] = [a * Math.sin(u2), a * Math.cos(u2), b * Math.sin(u3), b * Math.cos(u3)];
  return [
    1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
    2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
    2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
  ];
}

/** Labels the voxels inside the rotated ellipsoid that are still 0. */
function renderEllipsoid(labels: Uint32Array, shape: Shape3, c: Vec, radii: Vec, rot: number[], label: number): void {
  const [, Y, X] = shape;
  const rmax = Math.max(...radii);
  const lo = c.map((v) => Math.max(0, Math.floor(v - rmax)));
  const hi = c.map((v, k) => Math.min(shape[k] - 1, Math.ceil(v + rmax)));
  for (let z = lo[0]; z <= hi[0]; z++) {
    for (let y = lo[1]; y <= hi[1]; y++) {
      for (let x = lo[2]; x <= hi[2]; x++) {
        const p = [z - c[0], y - c[1], x - c[2]];
        let s = 0;
        for (let k = 0; k < 3; k++) {
          const q = rot[3 * k] * p[0] + rot[3 * k + 1] * p[1] + rot[3 * k + 2] * p[2];
          s += (q / radii[k]) * (q / radii[k]);
        }
        const i = (z * Y + y) * X + x;
        if (s <= 1 && labels[i] === 0) labels[i] = label;
      }
    }
  }
}

/** A Poisson draw of mean `lambda` (Knuth below 30, rounded Gaussian approximation above). */
function poisson(rand: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda >= 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gaussianDraw(rand)));
  const l = Math.exp(-lambda);
  let k = 0;
  let p = rand();
  while (p > l) {
    k++;
    p *= rand();
  }
  return k;
}
