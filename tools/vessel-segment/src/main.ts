#!/usr/bin/env node
/**
 * `vessel-segment`: vessel segmentation of a vessel probability map (Dyer et al. 2017; xbrain
 * `segment_vessels`): threshold, drop components below `--small-objects` voxels, dilate by a
 * ball of diameter `--dilation`, drop components below `--minimum` voxels. Defaults are the
 * original's (`--threshold 0.68 --dilation 3 --minimum 4000`, 100 for the first removal).
 * Writes a uint8 0/1 volume; prints `vessel_voxels`, `vessel_fraction`, `vessel_components`,
 * and `vessel_dice` with `--groundtruth`. A uint8 map holds probabilities × 255 (pixel-classifier
 * `--dtype uint8`) and is read as `v / 255`. Imports packages only (see README).
 */
import { Command } from 'commander';
import { countComponents, dice, filterVesselMask, markVesselCandidates, vesselThreshold, type NumericArray } from '@saber/imaging';
import { asProbabilities, openInput, parseNumber, printMetric, readInput, runTool, ToolInputError, writeOutput, type ToolIo } from '@saber/toolkit';

interface Options {
  input: string;
  channel?: number;
  output: string;
  threshold: number;
  smallObjects: number;
  dilation: number;
  minimum: number;
  keepCut?: boolean;
  groundtruth?: string;
}

/** Planes of probabilities read at a time: the map is thresholded slab by slab, never held whole. */
const SLAB_PLANES = 8;

async function segment(o: Options, io: ToolIo): Promise<void> {
  const options = { threshold: o.threshold, smallObjects: o.smallObjects, dilation: o.dilation, minimumSize: o.minimum, keepCut: o.keepCut ?? false };
  const threshold = vesselThreshold(options);
  const input = await openInput(o.input, o.channel === undefined ? {} : { channel: o.channel });
  const shape = input.shape;
  const [Z, Y, X] = shape;
  const candidates = new Uint8Array(Z * Y * X);
  try {
    let slab: NumericArray | undefined;
    let probabilities: Float32Array | undefined;
    for (let z0 = 0; z0 < Z; z0 += SLAB_PLANES) {
      // The last slab is shifted back so that every slab fills one array.
      const a = Math.max(0, Math.min(z0, Z - SLAB_PLANES));
      const b = Math.min(Z, a + SLAB_PLANES);
      slab = await input.readSlab(a, b, slab);
      const p = asProbabilities(slab, probabilities);
      if (p !== slab) probabilities = p as Float32Array;
      markVesselCandidates(p, threshold, candidates, a * Y * X);
    }
  } finally {
    await input.close();
  }
  const mask = filterVesselMask(candidates, shape, options);
  await writeOutput(o.output, mask, shape, input.voxelSize);
  let voxels = 0;
  for (let i = 0; i < mask.length; i++) voxels += mask[i];
  printMetric(io, 'vessel_voxels', voxels);
  printMetric(io, 'vessel_fraction', mask.length ? voxels / mask.length : 0);
  printMetric(io, 'vessel_components', countComponents(mask, shape, { connectivity: 6 }));
  if (o.groundtruth) {
    const truth = await readInput(o.groundtruth);
    if (truth.shape.join() !== shape.join()) throw new ToolInputError(`the ground truth (${truth.shape.join(', ')}) and the input (${shape.join(', ')}) differ in shape`);
    printMetric(io, 'vessel_dice', dice(mask, truth.data));
  }
}

/** Parses `argv` (without the node and script paths) and runs the segmentation. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  const num = (name: string, bounds: { min?: number; integer?: boolean } = {}) => (v: string) => parseNumber(name, v, bounds);
  await new Command('vessel-segment')
    .description('threshold, size filtering and dilation of a vessel probability map')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('-i, --input <uri>', 'vessel probability volume, (Z, Y, X) or (C, Z, Y, X); uint8 holds probabilities x 255')
    .option('--channel <k>', 'channel of a (C, Z, Y, X) input (xbrain --vessel-index)', num('--channel', { min: 0, integer: true }))
    .requiredOption('-o, --output <uri>', 'vessel mask to write (uint8)')
    .option('--threshold <p>', 'voxels with probability >= p are candidates', num('--threshold'), 0.68)
    .option('--small-objects <n>', 'candidate components smaller than this are dropped before dilating', num('--small-objects', { min: 0 }), 100)
    .option('--dilation <d>', 'diameter of the dilation ball in voxels (1: none)', num('--dilation', { min: 1 }), 3)
    .option('--minimum <n>', 'components smaller than this are dropped after dilating', num('--minimum', { min: 0 }), 4000)
    .option('--keep-cut', 'never drop components touching a face of the input (a block: they may be parts of larger ones)')
    .option('--groundtruth <uri>', 'vessel mask to compute the Dice coefficient against')
    .action((opts: Options) => segment(opts, io))
    .parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
