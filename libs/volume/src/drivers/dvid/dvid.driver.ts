/**
 * DVID voxel instances as volumes: `dvid://host:port/uuid/dataname`. The store covers the
 * instance's extents (`MinPoint`..`MaxPoint`); voxel `(0, 0, 0)` is `MinPoint`. Reads fetch raw
 * little-endian subvolumes; writes post whole blocks (DVID requires block-aligned POSTs), so a
 * box that cuts blocks is read, merged and posted as the enclosing blocks.
 */
import { defaultAxes } from '../../core/base-volume-store';
import { bboxShape, product } from '../../core/bbox';
import { bytesOf, dtypeSize, viewAs } from '../../core/dtype';
import { VolumeCorruptError, VolumeUnsupportedError } from '../../errors/volume-errors';
import type { VolumeLocation } from '../../uri/parse-volume-uri';
import type { BBox, VolumeAccessOptions, VolumeArray, VolumeMeta } from '../../volume.types';
import { RemoteClient } from '../remote/remote-client';
import { compileRemoteOptions, type CompiledRemoteOptions } from '../remote/remote-options';
import { RemoteVolumeStore, type RemoteLayout } from '../remote/remote-volume-store';
import { formatSubvolume, infoUrl, parseInfo, rawUrl, type DvidDataRef } from './dvid-api';

class DvidStore extends RemoteVolumeStore {
  constructor(uri: string, meta: VolumeMeta, layout: RemoteLayout, options: CompiledRemoteOptions, private readonly ref: DvidDataRef, private readonly client: RemoteClient) {
    super(uri, 'dvid', meta, layout, options);
  }

  protected async getPiece(piece: BBox): Promise<VolumeArray> {
    const what = formatSubvolume(piece);
    const body = await this.client.fetchBytes({ method: 'GET', url: rawUrl(this.ref, piece), headers: { Accept: 'application/octet-stream' }, what });
    const need = product(bboxShape(piece)) * dtypeSize(this.dtype);
    if (body.byteLength !== need) throw new VolumeCorruptError(this.uri, what, `${body.byteLength} bytes, expected ${need}`);
    return viewAs(this.dtype, body);
  }

  protected async postPiece(piece: BBox, data: VolumeArray): Promise<void> {
    await this.client.fetchBytes({
      method: 'POST',
      url: rawUrl(this.ref, piece),
      headers: { 'Content-Type': 'application/octet-stream' },
      body: bytesOf(data),
      what: formatSubvolume(piece),
    });
  }
}

/** Opens a DVID voxel instance (`loc.backend === 'http'`, `loc.format === 'dvid'`). */
export async function openDvid(loc: VolumeLocation, access?: VolumeAccessOptions): Promise<DvidStore> {
  const [uuid, dataname] = loc.segments ?? [];
  const ref: DvidDataRef = { endpoint: loc.endpoint ?? '', uuid, dataname };
  const options = compileRemoteOptions(access?.remote);
  const client = new RemoteClient({ uri: loc.uri, service: 'DVID', options, authHint: 'the DVID server refuses this client' });
  const info = parseInfo(loc.uri, await client.fetchJson({ url: infoUrl(ref), what: `DVID data ${uuid}/${dataname}`, notFound: [400, 404] }));
  const shape = info.maxPoint.map((m, i) => m - info.minPoint[i] + 1);
  const meta: VolumeMeta = { shape, dtype: info.dtype, chunkShape: info.block.map((b, i) => Math.min(b, shape[i])), voxelSize: info.voxelSize, axes: defaultAxes(3) };
  return new DvidStore(loc.uri, meta, { origin: info.minPoint, block: info.block, writesWholeBlocks: true }, options, ref, client);
}

/** `createVolume` for DVID: refused, instances are created in DVID itself. */
export function createDvid(loc: VolumeLocation): never {
  throw new VolumeUnsupportedError(loc.uri, 'DVID data instances are created in DVID (POST /api/repo/<uuid>/instance); open an existing instance with openVolume and write into it');
}
