#!/usr/bin/env node
/**
 * `cell-detect`: greedy spherical template matching on a cell probability map (Dyer et al. 2017;
 * xbrain `cell_detect`), with the original's parameters and defaults: `--threshold 0.2`,
 * `--stop 0.47`, `--initial-template-size 18`, `--dilation 8`, `--max-cells 500`. Writes the
 * detections as JSON (`{"detections": [{z, y, x, score}], "shape": [Z, Y, X], ...}`, the list
 * format the merger reads) and, with `--map`, the detected cells as a label volume.
 * Prints `cells: N` and `last_score: s` (the score of the last accepted cell). A uint8 map holds
 * probabilities × 255 (pixel-classifier `--dtype uint8`) and is read as `v / 255`.
 * Imports packages only, so the compiled file runs from CWL (see README).
 */
import { Command } from 'commander';
import { detectCells } from '@saber/imaging';
import { asProbabilities, parseChoice, parseNumber, printMetric, readInput, runTool, writeDetections, writeOutput, type ToolIo } from '@saber/toolkit';

interface Options {
  input: string;
  channel?: number;
  output: string;
  map?: string;
  threshold: number;
  stop: number;
  initialTemplateSize: number;
  dilation: number;
  maxCells: number;
  frame?: 'volume' | 'halo';
}

async function detect(o: Options, io: ToolIo): Promise<void> {
  const t0 = performance.now();
  const read = await readInput(o.input, o.channel === undefined ? {} : { channel: o.channel });
  const { shape, input } = read;
  const data = asProbabilities(read.data);
  const result = detectCells(data, shape, {
    threshold: o.threshold,
    stop: o.stop,
    templateSize: o.initialTemplateSize,
    dilation: o.dilation,
    maxCells: o.maxCells,
    labels: o.map !== undefined,
    // The map is read for this call only: threshold and clear it in place.
    overwrite: data instanceof Float32Array || data instanceof Float64Array,
  });
  await writeDetections(o.output, {
    detections: result.cells.map((c, k) => ({ z: c.z, y: c.y, x: c.x, score: c.score, label: k + 1 })),
    shape,
    ...(o.frame ? { frame: o.frame } : {}),
    templateSize: o.initialTemplateSize,
    voxelSize: input.voxelSize,
  });
  if (o.map) await writeOutput(o.map, result.labels, shape, input.voxelSize);
  printMetric(io, 'cells', result.cells.length);
  printMetric(io, 'last_score', result.cells.length ? result.cells[result.cells.length - 1].score : 0);
  printMetric(io, 'detect_seconds', (performance.now() - t0) / 1000);
}

/** Parses `argv` (without the node and script paths) and runs the detection. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  const num = (name: string, bounds: { min?: number; integer?: boolean } = {}) => (v: string) => parseNumber(name, v, bounds);
  await new Command('cell-detect')
    .description('greedy spherical template matching on a cell probability map')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('-i, --input <uri>', 'cell probability volume, (Z, Y, X) or (C, Z, Y, X); uint8 holds probabilities x 255')
    .option('--channel <k>', 'channel of a (C, Z, Y, X) input (xbrain --cell-index)', num('--channel', { min: 0, integer: true }))
    .requiredOption('-o, --output <file>', 'detections to write (JSON)')
    .option('--map <uri>', 'also write the detected cells as a uint32 label volume')
    .option('--threshold <p>', 'probabilities at or below count as 0', num('--threshold'), 0.2)
    .option('--stop <s>', 'stop when the best mean probability in the template falls below', num('--stop'), 0.47)
    .option('--initial-template-size <d>', 'cell (template) diameter in voxels', num('--initial-template-size', { min: 1 }), 18)
    .option('--dilation <d>', 'added to the diameter of the region cleared around each cell', num('--dilation', { min: 0 }), 8)
    .option('--max-cells <n>', 'most cells to detect', num('--max-cells', { min: 0, integer: true }), 500)
    .option('--frame <frame>', 'record the coordinate frame for the merger: volume or halo (the input is a block read with its halo)', (v) => parseChoice('--frame', v, ['volume', 'halo'] as const))
    .action((opts: Options) => detect(opts, io))
    .parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
