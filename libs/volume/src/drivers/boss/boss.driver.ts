/**
 * bossDB channels as volumes: `boss://host/collection/experiment/channel?resolution=N`.
 * Shape and offset come from the experiment's coordinate frame (resolution 0) or the
 * downsample service (higher resolutions); voxel `(0, 0, 0)` of the store is the frame's
 * `(z_start, y_start, x_start)`. Cutouts travel as `application/npygz`.
 */
import { defaultAxes } from '../../core/base-volume-store';
import { bboxShape } from '../../core/bbox';
import { VolumeNotFoundError, VolumeUnsupportedError, VolumeUriError } from '../../errors/volume-errors';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, VolumeAccessOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { RemoteClient } from '../remote/remote-client';
import { compileRemoteOptions, type CompiledRemoteOptions } from '../remote/remote-options';
import { RemoteVolumeStore, type RemoteLayout } from '../remote/remote-volume-store';
import {
  BOSS_CUBOID,
  channelUrl,
  coordFrameUrl,
  cutoutUrl,
  downsampleUrl,
  experimentUrl,
  formatCutout,
  parseChannel,
  parseCoordFrame,
  parseDownsampleLevel,
  parseExperiment,
  type BossChannelRef,
} from './boss-api';
import { decodeNpygz, encodeNpygz, NPYGZ_MEDIA_TYPE } from './npygz';

class BossStore extends RemoteVolumeStore {
  constructor(uri: string, meta: VolumeMeta, layout: RemoteLayout, options: CompiledRemoteOptions, private readonly ref: BossChannelRef, private readonly client: RemoteClient) {
    super(uri, 'boss', meta, layout, options);
  }

  protected async getPiece(piece: BBox): Promise<VolumeArray> {
    const what = formatCutout(piece);
    const body = await this.client.fetchBytes({ method: 'GET', url: cutoutUrl(this.ref, piece), headers: { Accept: NPYGZ_MEDIA_TYPE }, what });
    return decodeNpygz(this.uri, what, body, this.dtype, bboxShape(piece));
  }

  protected async postPiece(piece: BBox, data: VolumeArray): Promise<void> {
    const body = await encodeNpygz(this.dtype, bboxShape(piece), data);
    await this.client.fetchBytes({ method: 'POST', url: cutoutUrl(this.ref, piece), headers: { 'Content-Type': NPYGZ_MEDIA_TYPE }, body, what: formatCutout(piece) });
  }
}

function resolutionOf(loc: VolumeLocation): number {
  const text = loc.params?.resolution ?? '0';
  if (!/^\d+$/.test(text)) throw new VolumeUriError(loc.uri, `resolution must be a non-negative integer, got '${text}'`);
  return Number(text);
}

/** Opens a bossDB channel (`loc.backend === 'http'`, `loc.format === 'boss'`). */
export async function openBoss(loc: VolumeLocation, access?: VolumeAccessOptions): Promise<BossStore> {
  const [collection, experiment, channel] = loc.segments ?? [];
  const ref: BossChannelRef = { endpoint: loc.endpoint ?? '', collection, experiment, channel, resolution: resolutionOf(loc) };
  const options = compileRemoteOptions(access?.remote);
  const token = options.bossToken;
  const client = new RemoteClient({
    uri: loc.uri,
    service: 'bossDB',
    options,
    headers: token ? { Authorization: `Token ${token}` } : undefined,
    secrets: token ? [token] : [],
    authHint: token ? 'check that the token in BOSS_TOKEN is valid and grants access to this channel' : 'set BOSS_TOKEN to a bossDB API token',
  });
  const name = `${collection}/${experiment}/${channel}`;
  const [channelBody, experimentBody] = await Promise.all([
    client.fetchJson({ url: channelUrl(ref), what: `bossDB channel ${name}` }),
    client.fetchJson({ url: experimentUrl(ref), what: `bossDB experiment ${collection}/${experiment}` }),
  ]);
  const info = parseChannel(loc.uri, channelBody);
  const exp = parseExperiment(loc.uri, experimentBody);
  const frame = parseCoordFrame(loc.uri, await client.fetchJson({ url: coordFrameUrl(ref, exp.coordFrame), what: `bossDB coordinate frame ${exp.coordFrame}` }));
  if (ref.resolution >= Math.max(exp.hierarchyLevels, 1)) {
    throw new VolumeNotFoundError(loc.uri, `no resolution ${ref.resolution}: experiment ${collection}/${experiment} has ${exp.hierarchyLevels} resolution level(s) (0-${exp.hierarchyLevels - 1})`);
  }
  let shape = frame.stop.map((s, i) => s - frame.start[i]);
  let origin = frame.start;
  let voxelSize = frame.voxelSize;
  let block: readonly number[] = BOSS_CUBOID;
  if (ref.resolution > 0) {
    const level = parseDownsampleLevel(loc.uri, await client.fetchJson({ url: downsampleUrl(ref), what: `bossDB downsample metadata of ${name}` }), ref.resolution);
    voxelSize = level.voxelSize.map((v) => v * frame.unitNm);
    origin = frame.start.map((s, i) => Math.floor(s / (voxelSize[i] / frame.voxelSize[i])));
    shape = level.extent;
    block = level.cuboid;
  }
  const meta: VolumeMeta = { shape, dtype: info.dtype, chunkShape: block.map((b, i) => Math.min(b, shape[i])), voxelSize, axes: defaultAxes(3) };
  return new BossStore(loc.uri, meta, { origin, block, writesWholeBlocks: false }, options, ref, client);
}

/** `createVolume` for bossDB: refused, channels are created in bossDB itself. */
export function createBoss(loc: VolumeLocation): never {
  throw new VolumeUnsupportedError(loc.uri, 'bossDB channels are created in bossDB (its project service, intern or the web console); open an existing channel with openVolume and write into it');
}
