#!/usr/bin/env node
/**
 * `pixel-classifier`: ilastik-style pixel classification for SABER workflows.
 *
 * - `train`: samples labelled voxels, computes the feature stack (`@saber/imaging` featureStack)
 *   and trains a random forest; writes a JSON model.
 * - `predict`: writes class probabilities of every voxel, `(C, Z, Y, X)` float32 (or one class
 *   with `--class`), and scores them against ground truth when given one.
 * - `gmm`: unsupervised: fits a Gaussian mixture to sampled voxel features and writes the
 *   posterior of one component (xbrain's `unsupervised_celldetect` classify step).
 *
 * Volumes are read and written through `@saber/volume` (any URI or a `.npy`/`.zarr`/`.h5`/`.tif`
 * path) in z-slabs, so memory stays bounded. Metrics are printed as `name: value` lines.
 * This file imports packages only (no relative imports), so the compiled file runs wherever the
 * workspace's packages resolve (see README: running from CWL).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import {
  featureHalo,
  featureNames,
  featureStack,
  ScratchPool,
  fitGaussianMixture,
  forestFromJson,
  forestToJson,
  gaussianMixturePosteriors,
  mulberry32,
  predictForest,
  trainRandomForest,
  DERIVATIVES,
  FEATURE_KINDS,
  type Derivatives,
  type FeatureKind,
  type FeatureStackOptions,
  type NumericArray,
  type RandomForestModel,
} from '@saber/imaging';
import {
  createOutput,
  formatBox,
  openInput,
  parseBox,
  parseChoice,
  parseLabelMap,
  parseNumber,
  parseNumberList,
  parseRange,
  printMetric,
  runTool,
  ToolInputError,
  ToolUsageError,
  type Box3,
  type ToolIo,
  type VolumeInput,
} from '@saber/toolkit';

/** Format tag of model files whose features take Gaussian derivatives. */
export const MODEL_FORMAT = 'saber-pixel-classifier/1';

/**
 * Format tag of model files whose features take central differences (`--derivatives
 * differences`): readers of `/1` only would compute other features for them, so they refuse it.
 */
export const MODEL_FORMAT_DIFFERENCES = 'saber-pixel-classifier/2';

/** A model file: the feature options, the class ids (in forest order) and the forest. */
export interface PixelClassifierModel {
  readonly format: typeof MODEL_FORMAT | typeof MODEL_FORMAT_DIFFERENCES;
  readonly features: FeatureStackOptions;
  /** Input channels (`--image` volumes); each gets the whole feature stack. */
  readonly channels: number;
  /** Class ids (>= 1, as in the label volume after `--label-map`), in the forest's class order. */
  readonly classes: number[];
  readonly forest: ReturnType<typeof forestToJson>;
  readonly training: { readonly samples: number; readonly oobAccuracy?: number; readonly images: string[]; readonly labels: string };
}

/** Planes of a slab when its features fit in memory (8 measured best on a 10 M-voxel block). */
const SLAB_PLANES = 8;

/** Fewest planes of a slab of whole planes; when fewer fit in memory, slabs are cut into tiles. */
const MIN_SLAB_PLANES = 4;

/**
 * Memory (MiB) for the features of one slab or tile by default: the stack (4 bytes per
 * feature) and the float64 scratch volumes of the filters (about 15 per channel at a time),
 * per voxel of the slab's own planes. The features' reach along z is read around every slab
 * and only the z passes of the filters read it, so thin slabs cost little extra, and their
 * memory is touched once for all slabs: on a VM where a page fault costs microseconds, a
 * smaller working set is faster. The tool's CWL asks for 8 GB.
 */
export const DEFAULT_MEMORY_MIB = 128;
const budgetVoxels = (mib: number, features: number, channels: number): number => Math.floor((mib * 2 ** 20) / (channels * (4 * features + 120)));

const int = (name: string, min = 0) => (v: string) => parseNumber(name, v, { min, integer: true });

function featureOptions(opts: { scales: number[]; features: string; dims: string; raw: boolean; derivatives: Derivatives }): FeatureStackOptions {
  const features = opts.features === 'all' ? [...FEATURE_KINDS] : opts.features.split(',').map((f) => parseChoice('--features', f.trim(), FEATURE_KINDS) as FeatureKind);
  return { scales: opts.scales, features, dims: opts.dims === '2' ? 2 : 3, raw: opts.raw, derivatives: opts.derivatives };
}

/** The z-range `[z0, z1)` of `--slices` within a volume of `Z` planes. */
function zRange(slices: { start?: number; stop?: number } | undefined, Z: number, uri: string): [number, number] {
  const z0 = slices?.start ?? 0;
  const z1 = slices?.stop ?? Z;
  if (z0 >= Z || z1 > Z) throw new ToolInputError(`${uri}: --slices ${z0}:${z1} is outside the volume's ${Z} planes`);
  return [z0, z1];
}

/**
 * Calls `fn` for consecutive slabs of planes covering `[z0, z1)` with the features of the
 * slab's own planes, which equal the whole volume's: the slab is read with the features'
 * reach (`featureHalo`) on each side, clamped to the volume, and the filters' z passes run
 * over it (featureStack's `planes`). `features` is valid during the call only: its array and
 * the filters' scratch are reused by the next slab.
 *
 * A slab is made of {@link SLAB_PLANES} whole planes (fewer when fewer fit in `memoryMiB`),
 * all slabs of one thickness (the last one shifted back over its predecessor, handing on only
 * its new planes). When fewer than {@link MIN_SLAB_PLANES} whole planes (or the z reach, if
 * smaller) fit (large planes: 512 x 512 at 128 MiB fits 3), its features are computed in tiles
 * along y and x, each with its own halo, and assembled.
 */
async function forEachSlab(
  inputs: readonly VolumeInput[],
  z0: number,
  z1: number,
  options: FeatureStackOptions,
  fn: (slab: { z0: number; z1: number; features: Float32Array; count: number }) => Promise<void> | void,
  memoryMiB = DEFAULT_MEMORY_MIB,
): Promise<void> {
  const [Z, Y, X] = inputs[0].shape;
  const [hz, hy, hx] = featureHalo(options);
  const C = inputs.length;
  const F = featureNames(options).length;
  const budget = budgetVoxels(memoryMiB, F, C);
  const wanted = Math.min(z1 - z0, Math.max(1, Math.min(hz, MIN_SLAB_PLANES)));
  const wholePlanes = Math.floor(budget / (Y * X));
  const tiled = wholePlanes < wanted;
  // Thin slabs: the filters compute a slab's own planes only (the z passes read the context),
  // so a thin slab wastes little, and its arrays touch less fresh memory.
  const planes = tiled ? wanted : Math.min(wholePlanes, SLAB_PLANES);
  const side = tiled ? Math.max(16, Math.floor(Math.sqrt(budget / planes)) - 2 * Math.max(hy, hx)) : 0;
  // Whole planes are one tile; tiles split the planes evenly (at most `side` a side).
  const [tileY, tileX] = tiled ? [Math.ceil(Y / Math.ceil(Y / side)), Math.ceil(X / Math.ceil(X / side))] : [Y, X];
  // Every tile's window (its rows and columns with the features' reach) has one shape: at the
  // volume's edges the window is shifted inward (more context on one side changes nothing),
  // so one set of scratch arrays serves every tile.
  const [winY, winX] = [Math.min(Y, tileY + 2 * hy), Math.min(X, tileX + 2 * hx)];
  const pool = new ScratchPool();
  // One feature stack for all: every slab has one thickness and every tile one window shape.
  let stack: Float32Array | undefined;
  const stackOf = (region: NumericArray, shape: [number, number, number], own: [number, number]): Float32Array =>
    (stack = featureStack(region, shape, options, { planes: own, pool, out: stack }).data);
  let assembled: Float32Array | undefined;
  // The slabs' raw planes, read into the previous slab's arrays, and the tiles' crops of them.
  const raws: NumericArray[] = [];
  const crops: NumericArray[] = [];
  const window = Math.min(Z, planes + 2 * hz);
  for (let a = z0; a < z1; a += planes) {
    const b = Math.min(z1, a + planes);
    // Every slab has one thickness, so one set of arrays serves all: the last one is shifted
    // back over its predecessor (when there is one), and only its new planes are handed on.
    const s0 = Math.max(z0, b - planes);
    // Every slab's read window has one thickness too: at the volume's ends it is shifted
    // inward (more context changes nothing), so its planes are read into one array.
    const r0 = Math.min(Math.max(0, s0 - hz), Math.max(0, Z - window));
    const r1 = Math.min(Z, r0 + window);
    const own: [number, number] = [s0 - r0, b - r0];
    for (let c = 0; c < C; c++) raws[c] = await inputs[c].readSlab(r0, r1, raws[c]);
    const n = (b - s0) * Y * X;
    let features: Float32Array;
    if (!tiled && C === 1) {
      features = stackOf(raws[0], [r1 - r0, Y, X], own);
    } else {
      // Each tile's core rows are copied in; several channels are interleaved: voxel i holds
      // channel 0's features, then channel 1's...
      if (assembled?.length !== n * F * C) assembled = new Float32Array(n * F * C);
      features = assembled;
      for (let y0 = 0; y0 < Y; y0 += tileY) {
        for (let x0 = 0; x0 < X; x0 += tileX) {
          const [y1, x1] = [Math.min(Y, y0 + tileY), Math.min(X, x0 + tileX)];
          const [ry0, rx0] = [Math.min(Math.max(0, y0 - hy), Y - winY), Math.min(Math.max(0, x0 - hx), X - winX)];
          const [ry1, rx1] = [ry0 + winY, rx0 + winX];
          const [TZ, TY, TX] = [r1 - r0, ry1 - ry0, rx1 - rx0];
          for (let c = 0; c < C; c++) {
            const region = tiled ? (crops[c] = cropPlanes(raws[c], [TZ, Y, X], ry0, ry1, rx0, rx1, crops[c])) : raws[c];
            const tile = stackOf(region, [TZ, TY, TX], own);
            for (let z = s0; z < b; z++) {
              for (let y = y0; y < y1; y++) {
                const src = ((z - s0) * TY + (y - ry0)) * TX + (x0 - rx0);
                const dst = ((z - s0) * Y + y) * X + x0;
                if (C === 1) features.set(tile.subarray(src * F, (src + x1 - x0) * F), dst * F);
                else for (let x = 0; x < x1 - x0; x++) features.set(tile.subarray((src + x) * F, (src + x + 1) * F), ((dst + x) * C + c) * F);
              }
            }
          }
        }
      }
    }
    await fn({ z0: a, z1: b, features: features.subarray((a - s0) * Y * X * F * C), count: F * C });
  }
}

/**
 * Rows `[y0, y1)` and columns `[x0, x1)` of every plane of `data` (shape `(Z, Y, X)`), into
 * `into` when it has the type and length, else into a new array of `data`'s type.
 */
function cropPlanes(data: NumericArray, [Z, Y, X]: readonly [number, number, number], y0: number, y1: number, x0: number, x1: number, into?: NumericArray): NumericArray {
  const w = x1 - x0;
  const n = Z * (y1 - y0) * w;
  const out = into?.constructor === data.constructor && into.length === n ? into : new (data.constructor as new (n: number) => NumericArray)(n);
  let o = 0;
  for (let z = 0; z < Z; z++) {
    for (let y = y0; y < y1; y++, o += w) {
      const from = (z * Y + y) * X + x0;
      out.set(data.subarray(from, from + w) as never, o);
    }
  }
  return out;
}

/**
 * The part of the volume `--box` needs: the box grown by the features' reach (`halo`, per
 * axis) and clamped to the volume (`read`), and where the box lies in it (`crop`). Features
 * computed on `read` equal the whole volume's inside `crop`, so a block's probabilities equal
 * the whole volume's there.
 */
async function readWindow(uris: readonly string[], box: Box3, halo: readonly number[]): Promise<{ read: Box3; crop: Box3 }> {
  const probe = await openInput(uris[0]);
  const shape = probe.shape;
  await probe.close();
  const bad = [0, 1, 2].find((a) => box.stop[a] > shape[a]);
  if (bad !== undefined) throw new ToolInputError(`${uris[0]}: --box ${formatBox(box)} is outside the volume (${shape.join(', ')}) along ${'zyx'[bad]}`);
  const start = [0, 1, 2].map((a) => Math.max(0, box.start[a] - halo[a])) as [number, number, number];
  const stop = [0, 1, 2].map((a) => Math.min(shape[a], box.stop[a] + halo[a])) as [number, number, number];
  return {
    read: { start, stop },
    crop: { start: [0, 1, 2].map((a) => box.start[a] - start[a]) as [number, number, number], stop: [0, 1, 2].map((a) => box.stop[a] - start[a]) as [number, number, number] },
  };
}

/**
 * Class probabilities of rows `[y0, y1)` and columns `[x0, x1)` of `planes` planes of `Y × X`
 * voxels whose features (`F` each) are `features`: row by row, without copying the features,
 * into `probs` (`planes * (y1 - y0) * (x1 - x0) * K` values).
 */
function predictCrop(
  forest: RandomForestModel,
  features: Float32Array,
  F: number,
  planes: number,
  [Y, X]: readonly number[],
  [y0, y1, x0, x1]: readonly number[],
  probs: Float32Array,
): Float32Array {
  const w = x1 - x0;
  const K = forest.classes;
  let o = 0;
  for (let z = 0; z < planes; z++) {
    for (let y = y0; y < y1; y++, o += w) {
      const from = ((z * Y + y) * X + x0) * F;
      predictForest(forest, features.subarray(from, from + w * F), probs.subarray(o * K, (o + w) * K));
    }
  }
  return probs;
}

/** Opens the `--image` volumes (channels), which must share one shape. */
async function openImages(uris: readonly string[], box?: Box3): Promise<VolumeInput[]> {
  if (uris.length === 0) throw new ToolUsageError("required option '--image <uri>' not specified");
  const inputs: VolumeInput[] = [];
  try {
    for (const uri of uris) inputs.push(await openInput(uri, box ? { box } : {}));
  } catch (e) {
    await Promise.all(inputs.map((i) => i.close()));
    throw e;
  }
  const shape = inputs[0].shape.join();
  const odd = inputs.find((i) => i.shape.join() !== shape);
  if (odd) {
    await Promise.all(inputs.map((i) => i.close()));
    throw new ToolInputError(`${odd.uri} (${odd.shape.join(', ')}) and ${inputs[0].uri} (${inputs[0].shape.join(', ')}) differ in shape`);
  }
  return inputs;
}

/** Class ids per voxel of a label slab: the label map, or every value >= 1 as itself. */
function mapLabels(raw: NumericArray, map: Map<number, number> | undefined): Int32Array {
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    out[i] = map ? (map.get(v) ?? 0) : v >= 1 && Number.isInteger(v) ? v : 0;
  }
  return out;
}

interface TrainOptions {
  image: string[];
  labels: string;
  model: string;
  labelMap?: Map<number, number>;
  slices?: { start?: number; stop?: number };
  scales: number[];
  features: string;
  dims: string;
  derivatives: Derivatives;
  raw: boolean;
  samples: number;
  balanced: boolean;
  trees: number;
  maxDepth: number;
  minLeaf: number;
  seed: number;
}

async function train(o: TrainOptions, io: ToolIo): Promise<void> {
  const t0 = performance.now();
  const features = featureOptions(o);
  const images = await openImages(o.image);
  const image = images[0];
  const labelsIn = await openInput(o.labels);
  try {
    if (image.shape.join() !== labelsIn.shape.join()) {
      throw new ToolInputError(`the image (${image.shape.join(', ')}) and the labels (${labelsIn.shape.join(', ')}) differ in shape`);
    }
    const [z0, z1] = zRange(o.slices, image.shape[0], o.image[0]);
    const labels = mapLabels(await labelsIn.readSlab(z0, z1), o.labelMap);
    const classes = [...new Set(labels)].filter((c) => c > 0).sort((a, b) => a - b);
    if (classes.length < 2) throw new ToolInputError(`${o.labels}: needs at least two labelled classes in the chosen slices, found ${classes.length}`);
    const picked = pickSamples(labels, classes, o.samples, o.balanced, o.seed);
    const F = featureNames(features).length * images.length;
    const x = new Float32Array(picked.length * F);
    const y = new Uint8Array(picked.length);
    const plane = image.shape[1] * image.shape[2];
    let k = 0;
    await forEachSlab(images, z0, z1, features, ({ z0: a, z1: b, features: fs }) => {
      const lo = (a - z0) * plane;
      const hi = (b - z0) * plane;
      while (k < picked.length && picked[k] < hi) {
        const v = picked[k] - lo;
        x.set(fs.subarray(v * F, (v + 1) * F), k * F);
        y[k] = classes.indexOf(labels[picked[k]]);
        k++;
      }
    });
    const forest = trainRandomForest(x, F, y, { trees: o.trees, maxDepth: o.maxDepth, minSamplesLeaf: o.minLeaf, seed: o.seed });
    const model: PixelClassifierModel = {
      format: features.derivatives === 'differences' ? MODEL_FORMAT_DIFFERENCES : MODEL_FORMAT,
      features,
      channels: images.length,
      classes,
      forest: forestToJson(forest),
      training: { samples: picked.length, ...(forest.oobAccuracy === undefined ? {} : { oobAccuracy: forest.oobAccuracy }), images: o.image, labels: o.labels },
    };
    await writeFile(o.model, JSON.stringify(model));
    printMetric(io, 'training_samples', picked.length);
    printMetric(io, 'features', F);
    printMetric(io, 'classes', classes.length);
    if (forest.oobAccuracy !== undefined) printMetric(io, 'oob_accuracy', forest.oobAccuracy);
    printMetric(io, 'train_seconds', (performance.now() - t0) / 1000);
  } finally {
    await Promise.all([...images.map((i) => i.close()), labelsIn.close()]);
  }
}

/**
 * Indices (sorted) of up to `m` labelled voxels: a uniform draw without replacement, or with
 * `balanced` an equal share per class (all of a class that has fewer). Deterministic for a seed.
 */
function pickSamples(labels: Int32Array, classes: number[], m: number, balanced: boolean, seed: number): Int32Array {
  const rand = mulberry32(seed);
  const pools = balanced ? classes.map((c) => c) : [-1];
  const chosen: number[] = [];
  for (const c of pools) {
    const pool: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] > 0 && (c === -1 || labels[i] === c)) pool.push(i);
    const want = Math.min(pool.length, balanced ? Math.floor(m / classes.length) : m);
    // Partial Fisher-Yates: the first `want` entries become a uniform sample.
    for (let i = 0; i < want; i++) {
      const j = i + Math.floor(rand() * (pool.length - i));
      const t = pool[i];
      pool[i] = pool[j];
      pool[j] = t;
      chosen.push(pool[i]);
    }
  }
  return Int32Array.from(chosen).sort();
}

interface PredictOptions {
  image: string[];
  model: string;
  output: string;
  slices?: { start?: number; stop?: number };
  /** Classify only this box of the volume (a block), computing its features from the voxels around it. */
  box?: Box3;
  class?: number;
  dtype: string;
  groundtruth?: string;
  labelMap?: Map<number, number>;
  positive?: number;
  /** MiB for the features of one slab or tile (see forEachSlab). */
  memory: number;
}

async function loadModel(path: string): Promise<PixelClassifierModel> {
  let model: PixelClassifierModel;
  try {
    model = JSON.parse(await readFile(path, 'utf8')) as PixelClassifierModel;
  } catch (e) {
    throw new ToolInputError(`${path}: ${(e as Error).message}`);
  }
  const format = model?.format;
  if ((format !== MODEL_FORMAT && format !== MODEL_FORMAT_DIFFERENCES) || !Array.isArray(model.classes)) {
    throw new ToolInputError(`${path}: not a ${MODEL_FORMAT} or ${MODEL_FORMAT_DIFFERENCES} model`);
  }
  const derivatives = model.features?.derivatives ?? 'gaussian';
  if ((format === MODEL_FORMAT_DIFFERENCES) !== (derivatives === 'differences')) {
    throw new ToolInputError(`${path}: a ${format} model must have derivatives ${format === MODEL_FORMAT ? 'gaussian' : 'differences'}, this one has ${JSON.stringify(derivatives)}`);
  }
  return model;
}

async function predict(o: PredictOptions, io: ToolIo): Promise<void> {
  const t0 = performance.now();
  const model = await loadModel(o.model);
  const forest = forestFromJson(model.forest);
  const K = forest.classes;
  const only = o.class === undefined ? -1 : model.classes.indexOf(o.class);
  if (o.class !== undefined && only < 0) throw new ToolUsageError(`--class ${o.class}: the model's classes are ${model.classes.join(', ')}`);
  const channels = model.channels ?? 1;
  if (o.image.length !== channels) throw new ToolUsageError(`the model was trained on ${channels} --image volume(s), got ${o.image.length}`);
  if (o.box && o.slices) throw new ToolUsageError('give --box or --slices, not both');
  const window = o.box ? await readWindow(o.image, o.box, featureHalo(model.features)) : undefined;
  const images = await openImages(o.image, window?.read);
  const image = images[0];
  const truth = o.groundtruth ? await openInput(o.groundtruth, o.box ? { box: o.box } : {}) : undefined;
  try {
    const [Z, Y, X] = image.shape;
    // Output planes [z0, z1) of the (window of the) image, rows [y0, y1), columns [x0, x1).
    const [z0, z1] = window ? [window.crop.start[0], window.crop.stop[0]] : zRange(o.slices, Z, o.image[0]);
    const [y0, y1, x0, x1] = window ? [window.crop.start[1], window.crop.stop[1], window.crop.start[2], window.crop.stop[2]] : [0, Y, 0, X];
    const [OY, OX] = [y1 - y0, x1 - x0];
    const expected = window ? [o.box!.stop[0] - o.box!.start[0], OY, OX] : [Z, Y, X];
    if (truth && truth.shape.join() !== expected.join()) throw new ToolInputError(`the ground truth (${truth.shape.join(', ')}) and the image (${expected.join(', ')}) differ in shape`);
    const plane = OY * OX;
    const outShape = only >= 0 ? [z1 - z0, OY, OX] : [K, z1 - z0, OY, OX];
    const u8 = o.dtype === 'uint8';
    const out = await createOutput(o.output, { shape: outShape, dtype: u8 ? 'uint8' : 'float32', voxelSize: only >= 0 ? image.voxelSize : [1, ...image.voxelSize] });
    const positive = o.positive ?? model.classes[model.classes.length - 1];
    const score = { tp: 0, fp: 0, fn: 0, right: 0, counted: 0 };
    try {
      const F = featureNames(model.features).length * channels;
      if (model.forest.features !== F) throw new ToolInputError(`${o.model}: the forest expects ${model.forest.features} features, the feature options give ${F}`);
      // The slabs' arrays are reused: fresh memory costs a page fault per 4 KiB.
      let probsOf: Float32Array | undefined;
      let channelOf: Uint8Array | Float32Array | undefined;
      await forEachSlab(images, z0, z1, model.features, async ({ z0: a, z1: b, features, count }) => {
        const n = (b - a) * plane;
        // The last slab may hand on fewer planes: it takes the front of the arrays.
        if (!probsOf || probsOf.length < n * K) probsOf = new Float32Array(n * K);
        const probsInto = probsOf.subarray(0, n * K);
        const probs = plane === Y * X ? predictForest(forest, features, probsInto) : predictCrop(forest, features, count, b - a, [Y, X], [y0, y1, x0, x1], probsInto);
        if (!channelOf || channelOf.length < n) channelOf = u8 ? new Uint8Array(n) : new Float32Array(n);
        const v = channelOf.subarray(0, n);
        // One loop per output type (a loop that writes both array types runs at half speed).
        const channel = (c: number): Uint8Array | Float32Array => {
          if (v instanceof Uint8Array) for (let i = 0, j = c; i < n; i++, j += K) v[i] = Math.round(probs[j] * 255);
          else for (let i = 0, j = c; i < n; i++, j += K) v[i] = probs[j];
          return v;
        };
        if (only >= 0) await out.write({ start: [a - z0, 0, 0], stop: [b - z0, OY, OX] }, channel(only));
        else for (let c = 0; c < K; c++) await out.write({ start: [c, a - z0, 0, 0], stop: [c + 1, b - z0, OY, OX] }, channel(c));
        if (truth) {
          const t = mapLabels(window ? await truth.readSlab(a - z0, b - z0) : await truth.readSlab(a, b), o.labelMap);
          for (let i = 0; i < n; i++) {
            if (t[i] === 0) continue;
            let best = 0;
            for (let c = 1; c < K; c++) if (probs[i * K + c] > probs[i * K + best]) best = c;
            const p = model.classes[best];
            score.counted++;
            if (p === t[i]) score.right++;
            if (p === positive && t[i] === positive) score.tp++;
            else if (p === positive) score.fp++;
            else if (t[i] === positive) score.fn++;
          }
        }
      }, o.memory);
    } finally {
      await out.close();
    }
    printMetric(io, 'voxels', (z1 - z0) * plane);
    if (truth) {
      const precision = score.tp + score.fp > 0 ? score.tp / (score.tp + score.fp) : 0;
      const recall = score.tp + score.fn > 0 ? score.tp / (score.tp + score.fn) : 0;
      printMetric(io, 'pixel_accuracy', score.counted ? score.right / score.counted : 0);
      printMetric(io, 'pixel_precision', precision);
      printMetric(io, 'pixel_recall', recall);
      printMetric(io, 'pixel_f1', precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
    }
    printMetric(io, 'predict_seconds', (performance.now() - t0) / 1000);
  } finally {
    await Promise.all([...images.map((i) => i.close()), truth?.close()]);
  }
}

interface GmmOptions {
  image: string[];
  output: string;
  slices?: { start?: number; stop?: number };
  components: number;
  covariance: string;
  samples: number;
  component: string;
  scales: number[];
  features: string;
  dims: string;
  derivatives: Derivatives;
  raw: boolean;
  seed: number;
}

async function gmm(o: GmmOptions, io: ToolIo): Promise<void> {
  const features = featureOptions(o);
  const images = await openImages(o.image);
  const image = images[0];
  try {
    const [Z, Y, X] = image.shape;
    const [z0, z1] = zRange(o.slices, Z, o.image[0]);
    const n = (z1 - z0) * Y * X;
    const F = featureNames(features).length * images.length;
    // Sample voxel indices first (sorted), then gather their features slab by slab.
    const rand = mulberry32(o.seed);
    const m = Math.min(o.samples, n);
    const picked = new Int32Array(m);
    if (m === n) for (let i = 0; i < n; i++) picked[i] = i;
    else for (let i = 0; i < m; i++) picked[i] = Math.floor(rand() * n);
    picked.sort();
    const x = new Float64Array(m * F);
    let k = 0;
    await forEachSlab(images, z0, z1, features, ({ z0: a, z1: b, features: fs }) => {
      const lo = (a - z0) * Y * X;
      const hi = (b - z0) * Y * X;
      for (; k < m && picked[k] < hi; k++) for (let f = 0; f < F; f++) x[k * F + f] = fs[(picked[k] - lo) * F + f];
    });
    const model = fitGaussianMixture(x, F, { components: o.components, covariance: o.covariance === 'diag' ? 'diag' : 'full', seed: o.seed });
    const K = model.components;
    // Components are sorted by the mean of the first feature (the raw intensity by default).
    const which = o.component === 'darkest' ? 0 : o.component === 'brightest' ? K - 1 : o.component === 'all' ? -1 : parseNumber('--component', o.component, { min: 0, max: K - 1, integer: true });
    const out = await createOutput(o.output, { shape: which >= 0 ? [z1 - z0, Y, X] : [K, z1 - z0, Y, X], dtype: 'float32', voxelSize: which >= 0 ? image.voxelSize : [1, ...image.voxelSize] });
    try {
      await forEachSlab(images, z0, z1, features, async ({ z0: a, z1: b, features: fs }) => {
        const post = gaussianMixturePosteriors(model, fs);
        const len = (b - a) * Y * X;
        for (let c = which >= 0 ? which : 0; c <= (which >= 0 ? which : K - 1); c++) {
          const v = new Float32Array(len);
          for (let i = 0; i < len; i++) v[i] = post[i * K + c];
          const box = which >= 0 ? { start: [a - z0, 0, 0], stop: [b - z0, Y, X] } : { start: [c, a - z0, 0, 0], stop: [c + 1, b - z0, Y, X] };
          await out.write(box, v);
        }
      });
    } finally {
      await out.close();
    }
    printMetric(io, 'log_likelihood', model.logLikelihood);
    printMetric(io, 'iterations', model.iterations);
    for (let c = 0; c < K; c++) {
      printMetric(io, `component_${c}_weight`, model.weights[c]);
      printMetric(io, `component_${c}_mean`, model.means[c * F]);
    }
  } finally {
    await Promise.all(images.map((i) => i.close()));
  }
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

function featureFlags(cmd: Command, defaults: { scales: string; features: string }): Command {
  return cmd
    .addOption(new Option('--scales <sigmas>', 'feature scales (sigma in voxels), comma-separated').default(parseNumberList('--scales', defaults.scales, { min: 0 }), defaults.scales).argParser((v) => parseNumberList('--scales', v, { min: 0 })))
    .option('--features <list>', `feature families: all, or a comma-separated subset of ${FEATURE_KINDS.join(', ')}`, defaults.features)
    .addOption(new Option('--dims <n>', '3: volumetric filters; 2: each z-slice on its own').choices(['2', '3']).default('3'))
    .addOption(
      new Option('--derivatives <how>', 'gradients and Hessians: gaussian (derivative-of-Gaussian kernels, as ilastik) or differences (central differences of the smoothed volume: fewer filter passes)')
        .choices([...DERIVATIVES])
        .default('gaussian'),
    )
    .option('--no-raw', 'leave the raw intensity out of the features');
}

/** Parses `argv` (without the node and script paths) and runs the sub-command. */
export async function main(argv: string[], io: ToolIo): Promise<void> {
  const program = new Command('pixel-classifier')
    .description('Random-forest pixel classification on ilastik-like features, or unsupervised GMM classification')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  featureFlags(
    program
      .command('train')
      .description('train a random forest on labelled voxels and write a JSON model')
      .option('--image <uri>', 'image volume (required); repeat for more channels (e.g. an earlier stage\'s probabilities, for auto-context)', collect, [])
      .requiredOption('--labels <uri>', 'label volume (0 = unlabelled, k >= 1 = class k, unless --label-map)')
      .requiredOption('--model <file>', 'model file to write (JSON)')
      .option('--label-map <pairs>', 'raw:class pairs, e.g. 0:1,255:2; other values are unlabelled', (v) => parseLabelMap('--label-map', v))
      .option('--slices <a:b>', 'z-range to train on (half-open)', (v) => parseRange('--slices', v))
      .option('--samples <n>', 'labelled voxels to train on', int('--samples', 1), 200000)
      .option('--balanced', 'an equal share of samples per class (default: uniform over labelled voxels)', false)
      .option('--trees <n>', 'number of trees', int('--trees', 1), 32)
      .option('--max-depth <n>', 'deepest tree level', int('--max-depth', 0), 20)
      .option('--min-leaf <n>', 'fewest samples per leaf', int('--min-leaf', 1), 1)
      .option('--seed <n>', 'seed of the sampling and the forest', int('--seed', 0), 1),
    { scales: '0.7,1,1.6,3.5,5', features: 'all' },
  ).action((opts: TrainOptions) => train(opts, io));
  program
    .command('predict')
    .description('write class probabilities of every voxel')
    .option('--image <uri>', 'image volume (required); repeat for more channels (e.g. an earlier stage\'s probabilities, for auto-context)', collect, [])
    .requiredOption('--model <file>', 'model written by train')
    .requiredOption('--output <uri>', 'probability volume to write: (C, Z, Y, X), or (Z, Y, X) with --class')
    .option('--slices <a:b>', 'z-range to classify (half-open)', (v) => parseRange('--slices', v))
    .option('--box <z0:z1,y0:y1,x0:x1>', 'classify only this box of the volume (a block; its features read the voxels around it)', (v) => parseBox('--box', v))
    .option('--class <id>', 'write only this class id', int('--class', 1))
    .addOption(new Option('--dtype <type>', 'float32 probabilities, or uint8 (probability x 255)').choices(['float32', 'uint8']).default('float32'))
    .option('--groundtruth <uri>', 'label volume to score the argmax classes against (pixel_f1 of --positive)')
    .option('--label-map <pairs>', 'raw:class pairs for --groundtruth', (v) => parseLabelMap('--label-map', v))
    .option('--positive <id>', 'class id scored as positive (default: the last class)', int('--positive', 1))
    .option('--memory <MiB>', 'memory for the features of one slab (whole planes) or tile (planes too large are tiled along y and x)', int('--memory', 1), DEFAULT_MEMORY_MIB)
    .action((opts: PredictOptions) => predict(opts, io));
  featureFlags(
    program
      .command('gmm')
      .description('unsupervised: Gaussian mixture on sampled voxel features; writes one component posterior')
      .option('--image <uri>', 'image volume (required); repeat for more channels (e.g. an earlier stage\'s probabilities, for auto-context)', collect, [])
      .requiredOption('--output <uri>', 'posterior volume to write')
      .option('--slices <a:b>', 'z-range (half-open)', (v) => parseRange('--slices', v))
      .option('--components <n>', 'mixture components', int('--components', 1), 2)
      .addOption(new Option('--covariance <type>', 'covariance model').choices(['full', 'diag']).default('full'))
      .option('--samples <n>', 'voxels sampled for the fit', int('--samples', 1), 500000)
      .option('--component <which>', 'darkest, brightest, all, or an index (components sorted by mean raw intensity)', 'darkest')
      .option('--seed <n>', 'seed', int('--seed', 0), 1),
    { scales: '1', features: 'gaussian' },
  ).action((opts: GmmOptions) => gmm(opts, io));
  await program.parseAsync(argv, { from: 'user' });
}

if (require.main === module) {
  void runTool(main, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
