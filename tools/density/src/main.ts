#!/usr/bin/env node
/**
 * `density`: cells per region and vessel volume fraction (Dyer et al. 2017). Counts, per region
 * of an optional region label volume (else one region, id 1, the whole volume), the voxels, the
 * vessel voxels and the detected cells whose voxel (`floor(c + 0.5)`) lies in it. Writes
 * `{"regions": {"<id>": {"voxels", "foreground", "detections"}}, "table": [...]}`: the `regions`
 * tally is the format the merger sums over blocks; `table` adds the fractions and densities.
 * Prints `cells`, `vessel_fraction`, `cells_per_voxel` and, when the voxel size is known,
 * `cells_per_mm3`. Imports packages only (see README).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { type NumericArray } from '@saber/imaging';
import { parseTriple, printMetric, readInput, readPoints, runTool, ToolInputError, type ToolIo } from '@saber/toolkit';

interface Options {
  cells: string;
  vessels: string;
  regions?: string;
  voxelSize?: [number, number, number];
  output: string;
}

interface Tally {
  voxels: number;
  foreground: number;
  detections: number;
}

async function density(o: Options, io: ToolIo): Promise<void> {
  const { data: vessels, shape, input } = await readInput(o.vessels);
  const [Z, Y, X] = shape;
  let regions: NumericArray | undefined;
  if (o.regions) {
    const r = await readInput(o.regions);
    if (r.shape.join() !== shape.join()) throw new ToolInputError(`the regions (${r.shape.join(', ')}) and the vessels (${shape.join(', ')}) differ in shape`);
    regions = r.data;
  }
  const { points } = await readPoints(o.cells);
  const tally = new Map<number, Tally>();
  const get = (r: number): Tally => {
    let t = tally.get(r);
    if (!t) tally.set(r, (t = { voxels: 0, foreground: 0, detections: 0 }));
    return t;
  };
  if (!regions) {
    const t = get(1);
    t.voxels = vessels.length;
    for (let i = 0; i < vessels.length; i++) if (vessels[i] !== 0) t.foreground++;
  } else {
    for (let i = 0; i < vessels.length; i++) {
      const t = get(regions[i]);
      t.voxels++;
      if (vessels[i] !== 0) t.foreground++;
    }
  }
  for (const p of points) {
    const [z, y, x] = [Math.floor(p.z + 0.5), Math.floor(p.y + 0.5), Math.floor(p.x + 0.5)];
    if (z < 0 || z >= Z || y < 0 || y >= Y || x < 0 || x >= X) throw new ToolInputError(`${o.cells}: cell at (${p.z}, ${p.y}, ${p.x}) is outside the volume (${shape.join(', ')})`);
    get(regions ? regions[(z * Y + y) * X + x] : 1).detections++;
  }
  const voxelSize = o.voxelSize ?? (input.voxelSize.every((v) => v === 1) ? undefined : input.voxelSize);
  const mm3 = voxelSize ? voxelSize[0] * voxelSize[1] * voxelSize[2] * 1e-18 : undefined;
  const ids = [...tally.keys()].sort((a, b) => a - b);
  const table = ids.map((r) => {
    const t = tally.get(r) as Tally;
    return {
      region: r,
      voxels: t.voxels,
      vesselVoxels: t.foreground,
      cells: t.detections,
      vesselFraction: t.voxels ? t.foreground / t.voxels : 0,
      cellsPerVoxel: t.voxels ? t.detections / t.voxels : 0,
      ...(mm3 ? { cellsPerMm3: t.voxels ? t.detections / (t.voxels * mm3) : 0 } : {}),
    };
  });
  await writeFile(o.output, `${JSON.stringify({ regions: Object.fromEntries(ids.map((r) => [String(r), tally.get(r)])), table, ...(voxelSize ? { voxelSize } : {}) })}\n`);
  const total = { voxels: 0, foreground: 0, detections: 0 };
  for (const t of tally.values()) {
    total.voxels += t.voxels;
    total.foreground += t.foreground;
    total.detections += t.detections;
  }
  printMetric(io, 'cells', total.detections);
  printMetric(io, 'vessel_fraction', total.voxels ? total.foreground / total.voxels : 0);
  printMetric(io, 'cells_per_voxel', total.voxels ? total.detections / total.voxels : 0);
  if (mm3) printMetric(io, 'cells_per_mm3', total.voxels ? total.detections / (total.voxels * mm3) : 0);
  if (regions && table.length <= 50) {
    for (const row of table) {
      printMetric(io, `region_${row.region}_cells`, row.cells);
      printMetric(io, `region_${row.region}_vessel_fraction`, row.vesselFraction);
    }
  }
}

/** Parses `argv` (without the node and script paths) and computes the densities. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  await new Command('density')
    .description('cells per region and vessel volume fraction')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('--cells <file>', 'detections (JSON or CSV with z,y,x)')
    .requiredOption('--vessels <uri>', 'vessel mask volume')
    .option('--regions <uri>', 'region label volume of the same shape (default: one region, id 1)')
    .option('--voxel-size <z,y,x>', 'nanometres per voxel (default: the vessel volume\'s, if it records one)', (v) => parseTriple('--voxel-size', v, { min: 0 }))
    .requiredOption('-o, --output <file>', 'densities to write (JSON)')
    .action((opts: Options) => density(opts, io))
    .parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
