import { connectedComponents, gaussianFilter, regionalMinimaSeeds, seededWatershed, type Connectivity, type LabelArray, type NumericArray } from '@saber/imaging';
import { createVolume, type VolumeStore } from '@saber/volume';
import { boxGrow, boxShape, cropBox, type Box3, type BlockGrid, type GridBlock } from '../grid/block-grid';
import type { BlockLabels } from '../stitch/label-source';

/** Anything that reads boxes of a 3-D volume: a `VolumeStore`, or {@link memoryVolume}. */
export interface VolumeReader {
  readonly shape: readonly number[];
  read(box: { start: readonly number[]; stop: readonly number[] }): Promise<unknown>;
}

/**
 * A per-block computation: `input` holds the volume over `inputBox` (the block's halo region
 * grown by the driver's `margin`); the result is a label array over `block.halo`.
 */
export type BlockFunction = (input: NumericArray, inputBox: Box3, block: GridBlock) => Uint32Array;

/** Options of {@link runBlocks}. */
export interface RunBlocksOptions {
  /** Extra voxels read around each halo region, for filters (a Gaussian's radius). Default 0. */
  readonly margin?: number;
  /** Keep each block's labels over its `halo` region (default) or its `core` only. */
  readonly keep?: 'halo' | 'core';
  /** Receives each block's result as it is made (e.g. to write it); default: they are returned. */
  readonly onBlock?: (block: GridBlock, result: BlockLabels) => Promise<void> | void;
}

/**
 * Runs `fn` on every block of `grid` (in grid order) and returns each block's result,
 * indexed by block (empty when `onBlock` takes them). The test and benchmark side of the
 * block sweep: what the executor's block runs produce.
 */
export async function runBlocks(volume: VolumeReader, grid: BlockGrid, fn: BlockFunction, options: RunBlocksOptions = {}): Promise<BlockLabels[]> {
  const out: BlockLabels[] = [];
  const margin = options.margin ?? 0;
  for (let b = 0; b < grid.total; b++) {
    const block = grid.block(b);
    const inputBox = boxGrow(block.halo, margin, grid.frame);
    const input = (await volume.read({ start: inputBox.start, stop: inputBox.stop })) as NumericArray;
    let labels = fn(input, inputBox, block);
    let box = block.halo;
    if (options.keep === 'core') {
      labels = cropBox(labels, block.halo, block.core);
      box = block.core;
    }
    if (options.onBlock) await options.onBlock(block, { box, labels });
    else out[b] = { box, labels };
  }
  return out;
}

/** A {@link VolumeReader} over a C-order array in memory. */
export function memoryVolume<T extends NumericArray>(data: T, shape: readonly [number, number, number]): VolumeReader & { data: T } {
  const whole: Box3 = { start: [0, 0, 0], stop: shape };
  return {
    shape,
    data,
    read: async (b) => cropBox(data, whole, { start: [b.start[0]!, b.start[1]!, b.start[2]!], stop: [b.stop[0]!, b.stop[1]!, b.stop[2]!] }),
  };
}

/** Block function: connected components of the voxels above `threshold` (default 0: the non-zero voxels). */
export function connectedComponentsBlock(options: { connectivity?: Connectivity; threshold?: number } = {}): BlockFunction {
  const t = options.threshold ?? 0;
  return (input, inputBox, block) => {
    const data = inputBox === block.halo ? input : cropBox(input, inputBox, block.halo);
    const mask = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) mask[i] = data[i]! > t ? 1 : 0;
    return connectedComponents(mask, boxShape(block.halo), { connectivity: options.connectivity ?? 26 }).labels;
  };
}

/** Options of {@link watershedBlock}. */
export interface WatershedBlockOptions {
  /** Gaussian smoothing of the landscape, in voxels (0: none). The driver's `margin` must be at least {@link watershedMargin}. */
  readonly sigma?: number;
  /** Connectivity of both the regional minima and the flood (the stitching rule needs them equal). Default 6. */
  readonly connectivity?: Connectivity;
}

/** Voxels a {@link watershedBlock} needs around the halo region so that its landscape equals the whole volume's there. */
export function watershedMargin(sigma: number): number {
  return sigma > 0 ? Math.floor(4 * sigma + 0.5) : 0;
}

/**
 * The landscape of {@link watershedBlock} over `box`: `input` (over `inputBox`) smoothed with
 * a Gaussian of `sigma` (reflect border), cropped to `box`. On a whole volume this is the
 * whole-volume landscape; in a block whose input extends `watershedMargin(sigma)` beyond
 * `box` (or reaches the volume's border), it equals it voxel for voxel.
 */
export function watershedLandscape(input: NumericArray, inputBox: Box3, box: Box3, sigma: number): NumericArray {
  const smooth = sigma > 0 ? gaussianFilter(input, boxShape(inputBox), sigma) : input;
  return cropBox(smooth, inputBox, box);
}

/**
 * Block function: seeded watershed with local seeds — the landscape (optionally smoothed),
 * its regional minima as seeds, priority flood — over the block's halo region.
 */
export function watershedBlock(options: WatershedBlockOptions = {}): BlockFunction {
  const sigma = options.sigma ?? 0;
  const connectivity = options.connectivity ?? 6;
  return (input, inputBox, block) => {
    const f = watershedLandscape(input, inputBox, block.halo, sigma);
    const shape = boxShape(block.halo);
    const seeds = regionalMinimaSeeds(f, shape, { connectivity });
    return seededWatershed(f, shape, seeds.labels, { connectivity });
  };
}

/** Writes each block's result into its own `uint32` volume at `uriOf(block)`; returns the URIs. */
export async function writeBlockVolumes(results: ReadonlyArray<BlockLabels>, grid: BlockGrid, uriOf: (block: GridBlock) => string): Promise<string[]> {
  const uris: string[] = [];
  for (let b = 0; b < grid.total; b++) {
    const block = grid.block(b);
    const r = results[b]!;
    uris.push(await writeBlockVolume(uriOf(block), r));
  }
  return uris;
}

/** Writes one block result into a new `uint32` volume (one chunk); returns its URI. */
export async function writeBlockVolume(uri: string, result: BlockLabels): Promise<string> {
  const shape = boxShape(result.box);
  const store: VolumeStore = await createVolume(uri, { shape, dtype: 'uint32', chunkShape: shape, overwrite: true });
  await store.write({ start: [0, 0, 0], stop: shape }, toUint32(result.labels));
  await store.close();
  return uri;
}

function toUint32(labels: LabelArray): Uint32Array {
  return labels instanceof Uint32Array ? labels : Uint32Array.from(labels as ArrayLike<number>, Number);
}
