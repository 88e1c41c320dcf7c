import { type NumericArray, type Shape3 } from '@saber/imaging';
import { createVolume, dtypeOf, openVolume, type Dtype, type VolumeArray, type VolumeStore } from '@saber/volume';
import { type Box3 } from '../cli/parse-args';
import { ToolInputError } from '../cli/tool-errors';

/** A 3-D view of an input volume: one channel of a `(c, z, y, x)` volume, or a `(z, y, x)` one. */
export interface VolumeInput {
  readonly uri: string;
  /** `(Z, Y, X)` of the selected channel. */
  readonly shape: Shape3;
  readonly dtype: Dtype;
  /** Nanometres per voxel `(z, y, x)` (1 where the format records none). */
  readonly voxelSize: [number, number, number];
  /** Channels of the stored volume (1 for 3-D volumes). */
  readonly channels: number;
  /** The selected channel. */
  readonly channel: number;
  /** Where the view lies in the stored volume: its box, `(z, y, x)` (the whole volume unless opened with `box`). */
  readonly box: Box3;
  /** `(Z, Y, X)` of the stored volume's channel. */
  readonly volumeShape: Shape3;
  /**
   * Reads z-planes `[z0, z1)` of the channel, whole in y and x. 64-bit integers come back as
   * Float64Array. Into `out` when it has the volume's type and the slab's length (a caller
   * reading many slabs reuses one array: fresh memory costs a page fault per 4 KiB).
   */
  readSlab(z0: number, z1: number, out?: NumericArray): Promise<NumericArray>;
  close(): Promise<void>;
}

/**
 * Opens a volume (any `@saber/volume` URI or a path with a known extension) as 3-D. A 4-D volume
 * is `(c, z, y, x)` and `channel` picks one (required when there is more than one); a 2-D one is
 * a single z-plane. With `box` the input is that part of the volume (a block): `shape` is the
 * box's and reads are relative to its start; a box outside the volume is an input error.
 */
export async function openInput(uri: string, options: { channel?: number; box?: Box3 } = {}): Promise<VolumeInput> {
  const store = await openVolume(uri);
  const rank = store.shape.length;
  let channels = 1;
  let shape: Shape3;
  if (rank === 4) {
    channels = store.shape[0];
    shape = [store.shape[1], store.shape[2], store.shape[3]];
  } else if (rank === 3) shape = [store.shape[0], store.shape[1], store.shape[2]];
  else if (rank === 2) shape = [1, store.shape[0], store.shape[1]];
  else {
    await store.close();
    throw new ToolInputError(`${uri}: expected a 2-D, 3-D or (c, z, y, x) volume, got shape (${store.shape.join(', ')})`);
  }
  const channel = options.channel ?? (channels === 1 ? 0 : -1);
  if (channel < 0 || channel >= channels || !Number.isInteger(channel)) {
    await store.close();
    throw new ToolInputError(`${uri}: has ${channels} channel(s); ${options.channel === undefined ? 'choose one with --channel' : `channel ${options.channel} does not exist`}`);
  }
  const vs = store.voxelSize;
  const voxelSize: [number, number, number] = rank === 4 ? [vs[1], vs[2], vs[3]] : rank === 3 ? [vs[0], vs[1], vs[2]] : [1, vs[0], vs[1]];
  const volumeShape = shape;
  const view: Box3 = options.box ?? { start: [0, 0, 0], stop: [...shape] };
  if (options.box) {
    const bad = [0, 1, 2].find((a) => !(view.start[a] >= 0 && view.stop[a] <= shape[a] && view.stop[a] > view.start[a]));
    if (bad !== undefined) {
      await store.close();
      throw new ToolInputError(`${uri}: box ${[0, 1, 2].map((a) => `${view.start[a]}:${view.stop[a]}`).join(',')} is outside the volume (${shape.join(', ')}) along ${'zyx'[bad]}`);
    }
    shape = [view.stop[0] - view.start[0], view.stop[1] - view.start[1], view.stop[2] - view.start[2]];
  }
  const [oz, oy, ox] = view.start;
  const [, Y, X] = shape;
  return {
    uri,
    shape,
    dtype: store.dtype,
    voxelSize,
    channels,
    channel,
    box: view,
    volumeShape,
    async readSlab(z0, z1, out) {
      const box =
        rank === 4
          ? { start: [channel, oz + z0, oy, ox], stop: [channel + 1, oz + z1, oy + Y, ox + X] }
          : rank === 3
            ? { start: [oz + z0, oy, ox], stop: [oz + z1, oy + Y, ox + X] }
            : { start: [oy, ox], stop: [oy + Y, ox + X] };
      const into = out && !(out instanceof Uint8ClampedArray) && dtypeOf(out) === store.dtype && out.length === (z1 - z0) * Y * X ? out : undefined;
      return asNumbers(await store.read(box, into));
    },
    close: () => store.close(),
  };
}

/** Reads one whole channel (or the z-range `[z0, z1)` of it) into memory. */
export async function readInput(uri: string, options: { channel?: number; box?: Box3; z0?: number; z1?: number } = {}): Promise<{ data: NumericArray; input: VolumeInput; shape: Shape3 }> {
  const input = await openInput(uri, options);
  try {
    const z0 = options.z0 ?? 0;
    const z1 = options.z1 ?? input.shape[0];
    if (!(z0 >= 0 && z1 <= input.shape[0] && z1 > z0)) throw new ToolInputError(`${uri}: z-range ${z0}:${z1} is outside 0:${input.shape[0]}`);
    const data = await input.readSlab(z0, z1);
    return { data, input, shape: [z1 - z0, input.shape[1], input.shape[2]] };
  } finally {
    await input.close();
  }
}

/** What a uint8 probability map holds: `round(p × 255)` (pixel-classifier `--dtype uint8`, ilastik's 8-bit export). */
export const UINT8_PROBABILITY_SCALE = 255;

/**
 * A probability map's values as probabilities: a uint8 map becomes Float32 `v / 255`
 * ({@link UINT8_PROBABILITY_SCALE}), into `out` when it has the map's length (a caller reading many
 * slabs reuses one array); any other array is returned as it is.
 */
export function asProbabilities(a: NumericArray, out?: Float32Array): NumericArray {
  if (!(a instanceof Uint8Array)) return a;
  const p = out?.length === a.length ? out : new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) p[i] = a[i] / UINT8_PROBABILITY_SCALE;
  return p;
}

/** 64-bit integer arrays as Float64Array (exact below 2^53); everything else unchanged. */
export function asNumbers(a: VolumeArray): NumericArray {
  if (a instanceof BigInt64Array || a instanceof BigUint64Array) {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
    return out;
  }
  return a;
}

/** Creates (replacing) an output volume; the caller writes it (e.g. slab by slab) and closes it. */
export async function createOutput(uri: string, meta: { shape: readonly number[]; dtype: Dtype; voxelSize?: readonly number[] }): Promise<VolumeStore> {
  return createVolume(uri, { shape: meta.shape, dtype: meta.dtype, ...(meta.voxelSize ? { voxelSize: meta.voxelSize } : {}), overwrite: true });
}

/** Writes a whole volume (replacing any volume at `uri`); the dtype is the array's. */
export async function writeOutput(uri: string, data: VolumeArray, shape: readonly number[], voxelSize?: readonly number[]): Promise<void> {
  const dtype = dtypeOf(data);
  if (!dtype) throw new ToolInputError(`${uri}: cannot write an array of type ${data.constructor.name}`);
  const store = await createOutput(uri, { shape, dtype, voxelSize });
  try {
    await store.write({ start: shape.map(() => 0), stop: [...shape] }, data);
  } finally {
    await store.close();
  }
}
