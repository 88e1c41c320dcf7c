/**
 * The bossDB REST API (version `v1`) as SABER uses it: resource metadata and the cutout
 * service.
 *
 * - `GET /v1/collection/{c}/experiment/{e}/channel/{ch}/`: `datatype` (`uint8`, `uint16`, `uint64`), `type`
 * - `GET /v1/collection/{c}/experiment/{e}/`: `coord_frame`, `num_hierarchy_levels`
 * - `GET /v1/coord/{frame}/`: `{x,y,z}_start`/`_stop` (voxels, stop exclusive), `{x,y,z}_voxel_size`, `voxel_unit`
 * - `GET /v1/downsample/{c}/{e}/{ch}/`: per resolution `extent`, `voxel_size`, `cuboid_size` (x, y, z)
 * - `GET|POST /v1/cutout/{c}/{e}/{ch}/{res}/{x0}:{x1}/{y0}:{y1}/{z0}:{z1}/`: a C-order `(z, y, x)` array,
 *   here as `application/npygz` (`Accept` on GET, `Content-Type` on POST; 201 on success)
 *
 * Every request carries `Authorization: Token <token>` when a token is configured.
 */
import { VolumeCorruptError, VolumeDtypeError } from '../../errors/volume-errors';
import type { BBox, Dtype } from '../../volume.types';

/** The API version in every path. */
export const BOSS_API_VERSION = 'v1';

/** Channel datatypes the cutout service serves. */
export const BOSS_DTYPES: readonly Dtype[] = ['uint8', 'uint16', 'uint64'];

/** The bossDB cuboid at every resolution, `(z, y, x)`: the unit the service stores. */
export const BOSS_CUBOID: readonly number[] = [16, 512, 512];

/** One channel at one resolution. */
export interface BossChannelRef {
  /** `https://host[:port]`. */
  endpoint: string;
  collection: string;
  experiment: string;
  channel: string;
  resolution: number;
}

const seg = encodeURIComponent;

/** URL of the channel's metadata. */
export function channelUrl(r: BossChannelRef): string {
  return `${r.endpoint}/${BOSS_API_VERSION}/collection/${seg(r.collection)}/experiment/${seg(r.experiment)}/channel/${seg(r.channel)}/`;
}

/** URL of the experiment's metadata. */
export function experimentUrl(r: BossChannelRef): string {
  return `${r.endpoint}/${BOSS_API_VERSION}/collection/${seg(r.collection)}/experiment/${seg(r.experiment)}/`;
}

/** URL of a coordinate frame. */
export function coordFrameUrl(r: BossChannelRef, frame: string): string {
  return `${r.endpoint}/${BOSS_API_VERSION}/coord/${seg(frame)}/`;
}

/** URL of the channel's downsample (resolution hierarchy) description. */
export function downsampleUrl(r: BossChannelRef): string {
  return `${r.endpoint}/${BOSS_API_VERSION}/downsample/${seg(r.collection)}/${seg(r.experiment)}/${seg(r.channel)}/`;
}

/** `x 0:512, y 0:512, z 0:16`: a `(z, y, x)` box in bossDB's x, y, z order, for messages. */
export function formatCutout(box: BBox): string {
  const [z, y, x] = [0, 1, 2].map((i) => `${box.start[i]}:${box.stop[i]}`);
  return `cutout x ${x}, y ${y}, z ${z}`;
}

/** URL of the cutout of `box` (`(z, y, x)`, coordinate-frame voxels at the channel's resolution). */
export function cutoutUrl(r: BossChannelRef, box: BBox): string {
  const [z, y, x] = [0, 1, 2].map((i) => `${box.start[i]}:${box.stop[i]}`);
  return `${r.endpoint}/${BOSS_API_VERSION}/cutout/${seg(r.collection)}/${seg(r.experiment)}/${seg(r.channel)}/${r.resolution}/${x}/${y}/${z}/`;
}

/** What the driver needs from the channel. */
export interface BossChannelInfo {
  dtype: Dtype;
  /** `image` or `annotation`. */
  type: string;
}

/** What the driver needs from the experiment. */
export interface BossExperimentInfo {
  coordFrame: string;
  hierarchyLevels: number;
}

/** A coordinate frame, `(z, y, x)`. */
export interface BossCoordFrame {
  start: number[];
  stop: number[];
  /** Nanometres per voxel at resolution 0. */
  voxelSize: number[];
  /** Nanometres per unit of the frame's `voxel_unit`. */
  unitNm: number;
}

/** Nanometres per unit of bossDB's `voxel_unit` values. */
const UNIT_NM: Record<string, number> = { nanometers: 1, micrometers: 1e3, millimeters: 1e6, centimeters: 1e7 };

function object(uri: string, what: string, body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new VolumeCorruptError(uri, what, 'the service did not answer with a JSON object');
  return body as Record<string, unknown>;
}

function field<T>(uri: string, what: string, o: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, kind: string): T {
  const v = o[key];
  if (!ok(v)) throw new VolumeCorruptError(uri, what, `'${key}' must be ${kind}, got ${JSON.stringify(v)}`);
  return v;
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** Parses channel metadata; an unsupported datatype is a `VolumeDtypeError`. */
export function parseChannel(uri: string, body: unknown): BossChannelInfo {
  const o = object(uri, 'channel metadata', body);
  const datatype = field(uri, 'channel metadata', o, 'datatype', isString, 'a string');
  const dtype = BOSS_DTYPES.find((d) => d === datatype.toLowerCase());
  if (!dtype) throw new VolumeDtypeError(uri, `bossDB channel datatype '${datatype}' is not supported (supported: ${BOSS_DTYPES.join(', ')})`);
  return { dtype, type: typeof o.type === 'string' ? o.type : 'image' };
}

/** Parses experiment metadata. */
export function parseExperiment(uri: string, body: unknown): BossExperimentInfo {
  const o = object(uri, 'experiment metadata', body);
  return {
    coordFrame: field(uri, 'experiment metadata', o, 'coord_frame', isString, 'a coordinate frame name'),
    hierarchyLevels: field(uri, 'experiment metadata', o, 'num_hierarchy_levels', isInt, 'an integer'),
  };
}

/** Parses a coordinate frame into `(z, y, x)` extents and a voxel size in nanometres. */
export function parseCoordFrame(uri: string, body: unknown): BossCoordFrame {
  const what = 'coordinate frame';
  const o = object(uri, what, body);
  const axes = ['z', 'y', 'x'];
  const start = axes.map((a) => field(uri, what, o, `${a}_start`, isInt, 'an integer'));
  const stop = axes.map((a) => field(uri, what, o, `${a}_stop`, isInt, 'an integer'));
  if (stop.some((s, i) => s <= start[i])) throw new VolumeCorruptError(uri, what, `empty extent: start (${start.join(', ')}), stop (${stop.join(', ')}) in (z, y, x)`);
  const unit = typeof o.voxel_unit === 'string' ? o.voxel_unit : 'nanometers';
  const scale = UNIT_NM[unit];
  if (scale === undefined) throw new VolumeCorruptError(uri, what, `unknown voxel_unit '${unit}' (known: ${Object.keys(UNIT_NM).join(', ')})`);
  const voxelSize = axes.map((a) => field(uri, what, o, `${a}_voxel_size`, isPositive, 'a positive number') * scale);
  return { start, stop, voxelSize, unitNm: scale };
}

/** One resolution of the downsample description, `(z, y, x)`. */
export interface BossLevel {
  extent: number[];
  /** In the coordinate frame's voxel unit. */
  voxelSize: number[];
  cuboid: number[];
}

/** Parses the downsample description's entry for `resolution`. */
export function parseDownsampleLevel(uri: string, body: unknown, resolution: number): BossLevel {
  const what = 'downsample metadata';
  const o = object(uri, what, body);
  const triple = (key: string, ok: (v: unknown) => boolean): number[] => {
    const table = o[key];
    const v = table !== null && typeof table === 'object' ? (table as Record<string, unknown>)[String(resolution)] : undefined;
    if (!Array.isArray(v) || v.length !== 3 || !v.every(ok)) {
      throw new VolumeCorruptError(uri, what, `'${key}' has no [x, y, z] entry for resolution ${resolution}`);
    }
    return [v[2], v[1], v[0]] as number[];
  };
  return { extent: triple('extent', isCount), voxelSize: triple('voxel_size', isPositive), cuboid: triple('cuboid_size', isCount) };
}
