import { readFile, writeFile } from 'node:fs/promises';
import { labelCentroids, type Shape3 } from '@saber/imaging';
import { ToolInputError } from '../cli/tool-errors';
import { readInput } from './volume-io';

/** A point `(z, y, x)` in voxels with any other fields (score, label...). */
export interface ToolPoint {
  readonly z: number;
  readonly y: number;
  readonly x: number;
  readonly [field: string]: unknown;
}

/**
 * A detection list as tools write it: `{"detections": [{z, y, x, ...}], "shape": [Z, Y, X], ...}`.
 * This is what the merger reads (`frame` omitted: coordinates are voxels of the tool's input
 * volume; `"halo"` when that input is a block read with its halo).
 */
export interface DetectionsFile {
  readonly detections: ToolPoint[];
  /** `(Z, Y, X)` of the volume the points were found in. */
  readonly shape?: Shape3;
  readonly frame?: 'volume' | 'halo' | 'core';
  readonly [field: string]: unknown;
}

/** Writes a {@link DetectionsFile} as JSON. */
export async function writeDetections(path: string, file: DetectionsFile): Promise<void> {
  await writeFile(path, `${JSON.stringify(file)}\n`);
}

/**
 * Reads points from a JSON file (a list of `{z, y, x}`, or an object with `detections`,
 * `points` or `cells` and an optional `shape`), a CSV file with a `z,y,x` header, or a label
 * volume (any volume URI or path: each non-zero label gives its centroid; the shape comes along).
 */
export async function readPoints(ref: string): Promise<{ points: ToolPoint[]; shape?: Shape3 }> {
  const path = ref.startsWith('file://') ? new URL(ref).pathname : ref;
  if (/\.json$/i.test(path)) {
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new ToolInputError(`${ref}: ${(e as Error).message}`);
    }
    const o = data as { detections?: unknown; points?: unknown; cells?: unknown; shape?: unknown };
    const list = Array.isArray(data) ? data : (o.detections ?? o.points ?? o.cells);
    if (!Array.isArray(list)) throw new ToolInputError(`${ref}: expected a list of points or an object with "detections", "points" or "cells"`);
    const points = list.map((p, i) => point(p, `${ref}: item ${i}`));
    const shape = Array.isArray(o.shape) && o.shape.length === 3 ? (o.shape as unknown as Shape3) : undefined;
    return { points, ...(shape ? { shape } : {}) };
  }
  if (/\.csv$/i.test(path)) {
    const lines = (await readFile(path, 'utf8')).split(/\r?\n/).filter((l) => l.trim() !== '');
    const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
    const at = ['z', 'y', 'x'].map((c) => header.indexOf(c));
    if (at.some((i) => i < 0)) throw new ToolInputError(`${ref}: the CSV header must name z, y and x`);
    return { points: lines.map((l, i) => point(Object.fromEntries(l.split(',').map((v, k) => [header[k], Number(v)])), `${ref}: row ${i + 1}`)) };
  }
  const { data, shape } = await readInput(ref);
  let max = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < 0 || !Number.isInteger(v)) throw new ToolInputError(`${ref}: labels must be non-negative integers`);
    if (v > max) max = v;
  }
  const labels = data instanceof Uint32Array ? data : Uint32Array.from(data);
  const { sizes, centroids } = labelCentroids(labels, shape, max);
  const points: ToolPoint[] = [];
  for (let l = 1; l <= max; l++) if (sizes[l] > 0) points.push({ z: centroids[3 * l], y: centroids[3 * l + 1], x: centroids[3 * l + 2], label: l, voxels: sizes[l] });
  return { points, shape };
}

function point(p: unknown, what: string): ToolPoint {
  const o = p as Record<string, unknown> | null;
  const z = Number(o?.z);
  const y = Number(o?.y);
  const x = Number(o?.x);
  if (!o || ![z, y, x].every(Number.isFinite)) throw new ToolInputError(`${what}: z, y and x must be numbers`);
  return { ...o, z, y, x };
}
