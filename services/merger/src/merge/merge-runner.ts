import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  addTally, boxShape, buildSynapseGraph, densityTable, formatBox, IncompleteBlocksError, InvalidBlockResultError, mergeDetections, perBlockLabelSource, stitchLabels,
  synapseGraphToCsv, synapseGraphToGraphML, synapseGraphToJson, VolumeLabelSink, type Box3, type DensityTally, type LabelSink, type StitchResult,
} from '@saber/blockmerge';
import type { MergeResult } from '@saber/contracts';
import type { Connectivity } from '@saber/imaging';
import { openVolume } from '@saber/volume';
import { locateOutput, readBlockList, type BlockList, type OutputRef } from './block-outputs';
import type { MergePlan } from './merge-plan';

/** Options of one {@link runMerge}. */
export interface MergeRunOptions {
  /** Folder of this merge's results (created). */
  readonly outDir: string;
  /** Connectivity of adjacency stitching (core-only segmentations). */
  readonly connectivity: Connectivity;
  /** Called after every block read or written (heartbeat). */
  readonly onProgress?: () => void;
}

/** What a merge produced. */
export interface MergeRun {
  readonly results: MergeResult[];
  readonly skipped: Array<{ output: string; reason: string }>;
}

/** Writes every stitched block to several sinks (the same labels in several formats). */
class TeeLabelSink implements LabelSink {
  constructor(private readonly sinks: readonly LabelSink[]) {}
  async open(count: number, bounds: Box3): Promise<void> {
    for (const s of this.sinks) await s.open(count, bounds);
  }
  async write(box: Box3, labels: Uint32Array): Promise<void> {
    await Promise.all(this.sinks.map((s) => s.write(box, labels)));
  }
  async close(): Promise<void> {
    for (const s of this.sinks) await s.close();
  }
}

/**
 * Detections as CSV: `z,y,x`, then every other field the blocks gave (first seen first),
 * one row per detection; values without commas, quotes or line breaks are written bare.
 */
export function detectionsToCsv(detections: ReadonlyArray<Record<string, unknown>>): string {
  const fields = ['z', 'y', 'x'];
  for (const d of detections) for (const k of Object.keys(d)) if (!fields.includes(k)) fields.push(k);
  const cell = (v: unknown): string => {
    if (v === undefined || v === null) return '';
    const t = typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return `${[fields.join(','), ...detections.map((d) => fields.map((f) => cell(d[f])).join(','))].join('\n')}\n`;
}

/**
 * Gzip level of merged zarr label volumes: level 1 deflates a 256 × 512 × 256 chunk of vessel
 * labels in 0.25 s where level 5 takes 0.53 s, into 4.1 MB instead of 2.3 MB.
 */
export const MERGED_GZIP_LEVEL = 1;

const INTEGER_DTYPES = new Set(['uint8', 'uint16', 'uint32', 'uint64', 'int8', 'int16', 'int32', 'int64']);

/**
 * Merges every output of a planned request: label volumes are stitched first (their global
 * ids are what synapse ends map through), then detections, synapses and densities. Reads one
 * block at a time; writes results under `outDir`.
 */
export async function runMerge(plan: MergePlan, options: MergeRunOptions): Promise<MergeRun> {
  const { grid } = plan;
  await mkdir(options.outDir, { recursive: true });
  const results: MergeResult[] = [];
  const skipped: Array<{ output: string; reason: string }> = [];
  const refs = new Map<string, OutputRef[]>();
  for (const name of plan.names) {
    const list = await Promise.all(plan.outputs.map((o) => locateOutput(o[name])));
    const kinds = new Set(list.map((r) => r.kind));
    if (kinds.size > 1) throw new InvalidBlockResultError(`output "${name}": blocks disagree on what it is (${[...kinds].join(', ')})`);
    if (list[0]!.kind === 'other') skipped.push({ output: name, reason: `not a volume, JSON or CSV file (${(list[0] as { what: string }).what})` });
    else refs.set(name, list);
  }

  await preflight(plan, refs, skipped);

  const segmentations = new Map<string, StitchResult>();
  for (const [name, list] of refs) {
    if (list[0]!.kind !== 'volume') continue;
    const uris = list.map((r) => (r as { uri: string }).uri);
    const file = join(options.outDir, `${name}.zarr`);
    const source = perBlockLabelSource((block) => openVolume(uris[block.index]!));
    // zarr, and Neuroglancer precomputed (a folder) to view the result in Neuroglancer.
    const files = { zarr: `zarr://${file}`, precomputed: `precomputed://${join(options.outDir, `${name}.precomputed`)}` };
    const sink = new TeeLabelSink([new VolumeLabelSink(files.zarr, { chunkShape: grid.size, gzipLevel: MERGED_GZIP_LEVEL }), new VolumeLabelSink(files.precomputed, { chunkShape: grid.size })]);
    const r = await stitchLabels(grid, source, sink, { connectivity: options.connectivity, onProgress: options.onProgress });
    segmentations.set(name, r);
    results.push({
      output: name,
      kind: 'segmentation',
      uri: files.zarr,
      files,
      count: r.count,
      details: { match: r.match, localLabels: r.localLabels, unions: r.unions, disagreements: r.disagreements, matchSeconds: round(r.seconds.match), relabelSeconds: round(r.seconds.relabel) },
    });
  }

  for (const [name, list] of refs) {
    const first = list[0]!;
    if (first.kind !== 'json' && first.kind !== 'csv') continue;
    const read = (i: number) => {
      const b = grid.block(i);
      return readBlockList((list[i] as { path: string }).path, first.kind as 'json' | 'csv', { halo: b.halo.start, core: b.core.start });
    };
    async function* blocks(): AsyncGenerator<{ block: number; list: BlockList }> {
      for (let i = 0; i < grid.total; i++) {
        yield { block: i, list: await read(i) };
        options.onProgress?.();
      }
    }
    const kind = await kindOf(grid.total, read);
    const base = join(options.outDir, name);
    if (kind === 'densities') {
      const total: DensityTally = new Map();
      for await (const { block, list: l } of blocks()) addTally(total, expect(l, 'densities', name, block).tally);
      const table = densityTable(total);
      await writeFile(`${base}.json`, JSON.stringify({ regions: table }));
      results.push({ output: name, kind: 'densities', uri: fileUri(`${base}.json`), files: { json: fileUri(`${base}.json`) }, count: table.length, details: {} });
    } else if (kind === 'synapses') {
      const segName = await segmentationFor(name, segmentations, grid.total, read);
      const seg = segName ? segmentations.get(segName)! : undefined;
      const graph = await buildSynapseGraph(
        grid,
        (async function* () {
          for await (const { block, list: l } of blocks()) yield { block, synapses: expect(l, 'synapses', name, block).items };
        })(),
        seg ? (b, l) => seg.globalId(b, l) : (_b, l) => Number(l),
      );
      const files = { json: `${base}.graph.json`, graphml: `${base}.graphml`, csv: `${base}.csv` };
      await writeFile(files.json, synapseGraphToJson(graph));
      await writeFile(files.graphml, synapseGraphToGraphML(graph));
      await writeFile(files.csv, synapseGraphToCsv(graph));
      results.push({
        output: name,
        kind: 'synapse-graph',
        uri: fileUri(files.json),
        files: { json: fileUri(files.json), graphml: fileUri(files.graphml), csv: fileUri(files.csv) },
        count: graph.edges.length,
        details: { synapses: graph.synapses, unassigned: graph.unassigned, nodes: graph.nodes.length, ids: segName ? `global ids of "${segName}"` : 'as reported (no segmentation output)' },
      });
    } else {
      const detections = await mergeDetections(
        grid,
        (async function* () {
          for await (const { block, list: l } of blocks()) yield { block, detections: expect(l, 'detections', name, block).items };
        })(),
      );
      await writeFile(`${base}.json`, JSON.stringify({ detections }));
      await writeFile(`${base}.csv`, detectionsToCsv(detections));
      results.push({ output: name, kind: 'detections', uri: fileUri(`${base}.json`), files: { json: fileUri(`${base}.json`), csv: fileUri(`${base}.csv`) }, count: detections.length, details: {} });
    }
  }
  return { results, skipped };
}

/**
 * Checks every block's inputs before anything is merged: each label volume opens, is an
 * integer volume and covers the block's halo region or core; each list file exists. Volume
 * outputs that are not labels (block 0's dtype) are moved to `skipped`.
 */
async function preflight(plan: MergePlan, refs: Map<string, OutputRef[]>, skipped: Array<{ output: string; reason: string }>): Promise<void> {
  const problems: string[] = [];
  for (const [name, list] of refs) {
    for (let i = 0; i < list.length && problems.length < 20; i++) {
      const ref = list[i]!;
      const block = plan.grid.block(i);
      if (ref.kind === 'volume') {
        const store = await openVolume(ref.uri).catch((e: Error) => e);
        if (store instanceof Error) {
          problems.push(`block ${i}: output "${name}": ${store.message}`);
          continue;
        }
        const { shape, dtype } = store;
        await store.close();
        if (i === 0 && !INTEGER_DTYPES.has(dtype)) {
          skipped.push({ output: name, reason: `a ${dtype} volume, not labels` });
          refs.delete(name);
          break;
        }
        const fits = (b: Box3) => boxShape(b).every((n, a) => shape[a] === n) && shape.length === 3;
        if (!INTEGER_DTYPES.has(dtype)) problems.push(`block ${i}: output "${name}" is a ${dtype} volume, block 0's holds labels`);
        else if (!fits(block.halo) && !fits(block.core)) {
          problems.push(`block ${i}: output "${name}" has shape (${shape.join(', ')}); expected its halo region ${formatBox(block.halo)} or its core ${formatBox(block.core)}`);
        }
      } else if (ref.kind === 'json' || ref.kind === 'csv') {
        const ok = await stat(ref.path).then((s) => s.isFile(), () => false);
        if (!ok) problems.push(`block ${i}: output "${name}": ${ref.path} does not exist`);
      }
    }
  }
  if (problems.length) throw new IncompleteBlocksError(`the blocks' results are incomplete: ${problems[0]}`, problems);
}

/** The kind of a list output: that of the first block whose file says more than an empty list. */
async function kindOf(total: number, read: (i: number) => Promise<BlockList>): Promise<BlockList['kind']> {
  for (let i = 0; i < total; i++) {
    const l = await read(i);
    if (l.kind !== 'detections' || l.items.length > 0) return l.kind;
  }
  return 'detections';
}

/** The segmentation whose ids a synapse output's `pre`/`post` are: named in its files, or the only one. */
async function segmentationFor(name: string, segs: Map<string, StitchResult>, total: number, read: (i: number) => Promise<BlockList>): Promise<string | undefined> {
  for (let i = 0; i < total; i++) {
    const l = await read(i);
    if (l.kind === 'synapses' && l.segmentation) {
      if (!segs.has(l.segmentation)) throw new InvalidBlockResultError(`output "${name}": names segmentation "${l.segmentation}", which is not a merged label volume`);
      return l.segmentation;
    }
  }
  if (segs.size > 1) throw new InvalidBlockResultError(`output "${name}": several label volumes (${[...segs.keys()].join(', ')}); name one with "segmentation" in the synapse files`);
  return segs.keys().next().value;
}

function expect<K extends BlockList['kind']>(l: BlockList, kind: K, name: string, block: number): Extract<BlockList, { kind: K }> {
  if (l.kind === kind) return l as Extract<BlockList, { kind: K }>;
  if (kind === 'synapses' && l.kind === 'detections' && l.items.length === 0) return { kind: 'synapses', items: [] } as unknown as Extract<BlockList, { kind: K }>;
  if (kind === 'detections' && l.kind === 'synapses' && l.items.length === 0) return { kind: 'detections', items: [] } as unknown as Extract<BlockList, { kind: K }>;
  throw new InvalidBlockResultError(`output "${name}": block ${block} holds ${l.kind}, other blocks ${kind}`);
}

function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}

