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
import { formatBox, parseBox, parseTriple, printMetric, readInput, readPoints, runTool, ToolInputError, ToolUsageError, type Box3, type ToolIo } from '@saber/toolkit';

interface Options {
  cells: string;
  vessels: string;
  regions?: string;
  voxelSize?: [number, number, number];
  /** Where the inputs lie in the volume (a block's halo box). */
  box?: Box3;
  /** Count only this part of the volume (a block's core), so that block tallies add up. */
  core?: Box3;
  output: string;
}

interface Tally {
  voxels: number;
  foreground: number;
  detections: number;
}

async function density(o: Options, io: ToolIo): Promise<void> {
  if (o.core && !o.box) throw new ToolUsageError('--core needs --box (where the inputs lie in the volume)');
  const { data: vessels, shape, input } = await readInput(o.vessels);
  const [Z, Y, X] = shape;
  const origin = o.box?.start ?? [0, 0, 0];
  if (o.box && [0, 1, 2].some((a) => o.box!.stop[a] - o.box!.start[a] !== shape[a])) {
    throw new ToolInputError(`--box ${formatBox(o.box)} is ${[0, 1, 2].map((a) => o.box!.stop[a] - o.box!.start[a]).join(' × ')}, the vessels are ${shape.join(' × ')}`);
  }
  // The counted part, in the inputs' voxels: the core, or everything.
  const lo = o.core ? [0, 1, 2].map((a) => o.core!.start[a] - origin[a]) : [0, 0, 0];
  const hi = o.core ? [0, 1, 2].map((a) => o.core!.stop[a] - origin[a]) : [Z, Y, X];
  if ([0, 1, 2].some((a) => lo[a] < 0 || hi[a] > shape[a])) throw new ToolInputError(`--core ${formatBox(o.core!)} is not inside --box ${formatBox(o.box!)}`);
  let regions: NumericArray | undefined;
  if (o.regions) {
    // A region volume of the inputs' shape, or of the whole volume (read at --box).
    const whole = (await readInput(o.regions, { z0: 0, z1: 1 })).input.shape;
    const r = o.box && whole.join() !== shape.join() ? await readInput(o.regions, { box: o.box }) : await readInput(o.regions);
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
    // One region: count the core's vessel voxels row by row, with no tally lookups.
    const t = get(1);
    t.voxels = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
    let foreground = 0;
    for (let z = lo[0]; z < hi[0]; z++) {
      for (let y = lo[1]; y < hi[1]; y++) {
        const row = (z * Y + y) * X;
        for (let i = row + lo[2]; i < row + hi[2]; i++) if (vessels[i] !== 0) foreground++;
      }
    }
    t.foreground = foreground;
  } else {
    for (let z = lo[0]; z < hi[0]; z++) {
      for (let y = lo[1]; y < hi[1]; y++) {
        const row = (z * Y + y) * X;
        for (let i = row + lo[2]; i < row + hi[2]; i++) {
          const t = get(regions[i]);
          t.voxels++;
          if (vessels[i] !== 0) t.foreground++;
        }
      }
    }
  }
  for (const p of points) {
    const [z, y, x] = [Math.floor(p.z + 0.5), Math.floor(p.y + 0.5), Math.floor(p.x + 0.5)];
    if (z < 0 || z >= Z || y < 0 || y >= Y || x < 0 || x >= X) throw new ToolInputError(`${o.cells}: cell at (${p.z}, ${p.y}, ${p.x}) is outside the volume (${shape.join(', ')})`);
    if (z < lo[0] || z >= hi[0] || y < lo[1] || y >= hi[1] || x < lo[2] || x >= hi[2]) continue;
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
    .option('--box <z0:z1,y0:y1,x0:x1>', 'where the inputs lie in the volume (a block\'s halo box); a whole-volume --regions is read there', (v) => parseBox('--box', v))
    .option('--core <z0:z1,y0:y1,x0:x1>', 'count only this part of the volume (a block\'s core; needs --box): block tallies then add up to the whole volume\'s', (v) => parseBox('--core', v))
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
