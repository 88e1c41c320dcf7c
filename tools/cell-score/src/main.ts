#!/usr/bin/env node
/**
 * `cell-score`: scores detected cells against ground truth with the centroid F1 of Dyer et al.
 * 2017 (xbrain `f1_centroid3D`, `@saber/imaging` centroidF1): points within one template size of
 * the border are dropped, the rest matched one to one within that distance. Ground truth is a
 * point list (JSON/CSV) or a label volume (its labels' centroids). Prints `F1: x` (for
 * `score_format: 'F1: {score}'`), `precision`, `recall` and the counts; with `--vessels` and
 * `--vessel-truth` also `vessel_dice`. Imports packages only (see README).
 */
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { centroidF1, dice, type Shape3 } from '@saber/imaging';
import { parseNumber, parseTriple, printMetric, readInput, readPoints, runTool, ToolInputError, ToolUsageError, type ToolIo } from '@saber/toolkit';
import { readFile } from 'node:fs/promises';

interface Options {
  detections: string;
  truth: string;
  templateSize?: number;
  shape?: Shape3;
  vessels?: string;
  vesselTruth?: string;
  output?: string;
}

async function score(o: Options, io: ToolIo): Promise<void> {
  const pred = await readPoints(o.detections);
  const truth = await readPoints(o.truth);
  const shape = o.shape ?? truth.shape ?? pred.shape;
  if (!shape) throw new ToolUsageError('the volume shape is unknown: give --shape, or a truth volume or detections file that records it');
  let t = o.templateSize;
  if (t === undefined && /\.json$/i.test(o.detections)) {
    const doc = JSON.parse(await readFile(o.detections, 'utf8')) as { templateSize?: unknown };
    if (typeof doc.templateSize === 'number') t = doc.templateSize;
  }
  const templateSize = t ?? 18;
  const s = centroidF1(
    pred.points.map((p) => [p.z, p.y, p.x] as const),
    truth.points.map((p) => [p.z, p.y, p.x] as const),
    { shape, templateSize },
  );
  printMetric(io, 'F1', s.f1);
  printMetric(io, 'precision', s.precision);
  printMetric(io, 'recall', s.recall);
  printMetric(io, 'matched', s.matched);
  printMetric(io, 'predicted', s.predicted);
  printMetric(io, 'truth', s.truth);
  let vesselDice: number | undefined;
  if (o.vessels || o.vesselTruth) {
    if (!o.vessels || !o.vesselTruth) throw new ToolUsageError('--vessels and --vessel-truth go together');
    const [a, b] = await Promise.all([readInput(o.vessels), readInput(o.vesselTruth)]);
    if (a.shape.join() !== b.shape.join()) throw new ToolInputError(`the vessel masks differ in shape: (${a.shape.join(', ')}) and (${b.shape.join(', ')})`);
    vesselDice = dice(a.data, b.data);
    printMetric(io, 'vessel_dice', vesselDice);
  }
  if (o.output) await writeFile(o.output, `${JSON.stringify({ ...s, templateSize, shape, ...(vesselDice === undefined ? {} : { vesselDice }) })}\n`);
}

/** Parses `argv` (without the node and script paths) and scores. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  await new Command('cell-score')
    .description('centroid F1 of detected cells against ground truth (and vessel Dice)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .requiredOption('--detections <file>', 'detected cells (JSON or CSV with z,y,x)')
    .requiredOption('--truth <ref>', 'true cells: JSON or CSV points, or a label volume')
    .option('--template-size <t>', 'border margin and matching distance in voxels (default: the detections file\'s, else 18)', (v) => parseNumber('--template-size', v, { min: 0 }))
    .option('--shape <z,y,x>', 'volume shape (default: from the truth volume or the detections file)', (v) => parseTriple('--shape', v, { min: 1, integer: true }))
    .option('--vessels <uri>', 'vessel mask to score')
    .option('--vessel-truth <uri>', 'true vessel mask')
    .option('-o, --output <file>', 'scores to write (JSON)')
    .action((opts: Options) => score(opts, io))
    .parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
