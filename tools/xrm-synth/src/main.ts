#!/usr/bin/env node
/**
 * `xrm-synth`: a synthetic X-ray microtomography volume with ground truth, deterministic from
 * `--seed` (`@saber/imaging` syntheticXrm): cells as blurred ellipsoids of varying size and
 * contrast, branching vessels as tubes, an intensity gradient and shot noise. Writes the image
 * (float32), the cell labels (uint32), the vessel mask (uint8), the true cells as JSON
 * (`{"cells": [{z, y, x, label, voxels, radii, contrast}], "shape": [...]}`) and, with
 * `--classes`, a training label volume (1 background, 2 cell, 3 vessel). Prints `cells`,
 * `vessel_fraction` and `cell_fraction`. Imports packages only (see README).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { syntheticXrm, type Shape3 } from '@saber/imaging';
import { parseNumber, parseNumberList, parseTriple, printMetric, runTool, ToolUsageError, writeOutput, type ToolIo } from '@saber/toolkit';

interface Options {
  image: string;
  cells?: string;
  vessels?: string;
  truth?: string;
  classes?: string;
  shape: Shape3;
  seed: number;
  cellCount?: number;
  cellRadius?: number[];
  cellContrast?: number[];
  vesselTrees?: number;
  vesselRadius?: number[];
  blur?: number;
  gradient?: number;
  photons?: number;
}

const pair = (name: string, v?: number[]): [number, number] | undefined => {
  if (!v) return undefined;
  if (v.length !== 2) throw new ToolUsageError(`${name}: expected min,max`);
  return [v[0], v[1]];
};

async function generate(o: Options, io: ToolIo): Promise<void> {
  const s = syntheticXrm({
    shape: o.shape,
    seed: o.seed,
    ...(o.cellCount === undefined ? {} : { cells: o.cellCount }),
    ...(o.cellRadius ? { cellRadius: pair('--cell-radius', o.cellRadius) } : {}),
    ...(o.cellContrast ? { cellContrast: pair('--cell-contrast', o.cellContrast) } : {}),
    ...(o.vesselTrees === undefined ? {} : { vessels: o.vesselTrees }),
    ...(o.vesselRadius ? { vesselRadius: pair('--vessel-radius', o.vesselRadius) } : {}),
    ...(o.blur === undefined ? {} : { blur: o.blur }),
    ...(o.gradient === undefined ? {} : { gradient: o.gradient }),
    ...(o.photons === undefined ? {} : { photons: o.photons }),
  });
  await writeOutput(o.image, s.image, o.shape);
  if (o.cells) await writeOutput(o.cells, s.cells, o.shape);
  if (o.vessels) await writeOutput(o.vessels, s.vessels, o.shape);
  if (o.classes) {
    const c = new Uint8Array(s.image.length);
    for (let i = 0; i < c.length; i++) c[i] = s.vessels[i] ? 3 : s.cells[i] ? 2 : 1;
    await writeOutput(o.classes, c, o.shape);
  }
  if (o.truth) await writeFile(o.truth, `${JSON.stringify({ cells: s.cellList, shape: o.shape, seed: o.seed })}\n`);
  let vessel = 0;
  let cell = 0;
  for (let i = 0; i < s.image.length; i++) {
    vessel += s.vessels[i];
    if (s.cells[i]) cell++;
  }
  printMetric(io, 'cells', s.cellList.length);
  printMetric(io, 'vessel_fraction', vessel / s.image.length);
  printMetric(io, 'cell_fraction', cell / s.image.length);
}

/** Parses `argv` (without the node and script paths) and writes the volumes. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  const num = (name: string, bounds: { min?: number; integer?: boolean } = {}) => (v: string) => parseNumber(name, v, bounds);
  const list = (name: string) => (v: string) => parseNumberList(name, v, { min: 0 });
  await new Command('xrm-synth')
    .description('synthetic X-ray microtomography volume with ground truth')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('--image <uri>', 'image volume to write (float32)')
    .option('--cells <uri>', 'cell label volume to write (uint32)')
    .option('--vessels <uri>', 'vessel mask to write (uint8)')
    .option('--truth <file>', 'true cells to write (JSON)')
    .option('--classes <uri>', 'training labels to write (uint8: 1 background, 2 cell, 3 vessel)')
    .option('--shape <z,y,x>', 'volume shape', (v) => parseTriple('--shape', v, { min: 1, integer: true }), [128, 128, 128] as Shape3)
    .option('--seed <n>', 'seed', num('--seed', { min: 0, integer: true }), 1)
    .option('--cell-count <n>', 'cells to place (default: one per 40,000 voxels)', num('--cell-count', { min: 0, integer: true }))
    .option('--cell-radius <min,max>', 'mean semi-axis range of cells, voxels (default 6,9)', list('--cell-radius'))
    .option('--cell-contrast <min,max>', 'darkening of cells below the background (default 0.15,0.3)', list('--cell-contrast'))
    .option('--vessel-trees <n>', 'vessel trees (default: one per 2^19 voxels, at least 2)', num('--vessel-trees', { min: 0, integer: true }))
    .option('--vessel-radius <min,max>', 'trunk radius range, voxels (default 2.5,4)', list('--vessel-radius'))
    .option('--blur <sigma>', 'point-spread sigma, voxels (default 1)', num('--blur', { min: 0 }))
    .option('--gradient <g>', 'relative intensity change along x (default 0.3)', num('--gradient'))
    .option('--photons <n>', 'photons per unit intensity for shot noise, 0 for none (default 80)', num('--photons', { min: 0 }))
    .action((opts: Options) => generate(opts, io))
    .parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
