import { variationOfInformation } from '@saber/imaging';
import type { BlockGrid } from '../grid/block-grid';
import { MemoryLabelSink } from '../stitch/label-sink';
import { memoryLabelSource } from '../stitch/label-source';
import { relabelByFirstVoxel } from '../stitch/relabel';
import { stitchLabels, type StitchOptions, type StitchResult } from '../stitch/stitch-labels';
import { runBlocks, type BlockFunction, type RunBlocksOptions, type VolumeReader } from './block-driver';

/** How a stitched result compares with the whole-volume result. */
export interface BlockwiseComparison {
  /** Same partition, and after numbering both by first voxel, the same array. */
  readonly identical: boolean;
  /** Variation of information (bits) of the stitched result against the whole-volume one, label 0 counted in both. */
  readonly split: number;
  readonly merge: number;
  /** Objects stitched, and in the whole-volume result. */
  readonly count: number;
  readonly wholeCount: number;
  /** The output ids are exactly `1..count`, each on at least one voxel (no gaps, no reuse across blocks: `merge` is 0). */
  readonly uniqueIds: boolean;
  readonly stitch: StitchResult;
  /** Seconds spent in the block function and in the stitch. */
  readonly seconds: { readonly blocks: number; readonly stitch: number };
}

/**
 * Runs `fn` block by block (in memory), stitches the results and compares them with `whole`,
 * the same function's result on the whole volume. For tests and the acceptance script.
 */
export async function compareBlockwise(
  volume: VolumeReader,
  whole: Uint32Array,
  grid: BlockGrid,
  fn: BlockFunction,
  options: RunBlocksOptions & StitchOptions = {},
): Promise<BlockwiseComparison> {
  const t0 = performance.now();
  const results = await runBlocks(volume, grid, fn, options);
  const t1 = performance.now();
  const sink = new MemoryLabelSink();
  const stitch = await stitchLabels(grid, memoryLabelSource(results), sink, options);
  const t2 = performance.now();
  const vi = variationOfInformation(sink.labels, whole, { ignoreGroundTruth: [] });
  // The stitch numbers objects by first voxel: a whole-volume result numbered the same way compares directly.
  let identical = sink.labels.length === whole.length;
  for (let i = 0; identical && i < whole.length; i++) if (sink.labels[i] !== whole[i]) identical = false;
  const b = relabelByFirstVoxel(whole);
  if (!identical) {
    const a = relabelByFirstVoxel(sink.labels);
    identical = a.count === b.count;
    for (let i = 0; identical && i < a.labels.length; i++) if (a.labels[i] !== b.labels[i]) identical = false;
  }
  const seen = new Uint8Array(stitch.count + 1);
  let uniqueIds = true;
  for (let i = 0; i < sink.labels.length; i++) {
    const l = sink.labels[i]!;
    if (l > stitch.count) uniqueIds = false;
    else seen[l] = 1;
  }
  for (let l = 1; l <= stitch.count; l++) if (!seen[l]) uniqueIds = false;
  return {
    identical,
    split: vi.split,
    merge: vi.merge,
    count: stitch.count,
    wholeCount: b.count,
    uniqueIds: uniqueIds && vi.merge === 0,
    stitch,
    seconds: { blocks: (t1 - t0) / 1000, stitch: (t2 - t1) / 1000 },
  };
}
