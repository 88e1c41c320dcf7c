/**
 * Shared behaviour of the cutout-service stores (bossDB, DVID): boxes are translated to the
 * service's coordinates, split into bounded requests, fetched or posted with bounded
 * concurrency, and reassembled. Drivers implement one GET and one POST of a piece.
 */
import { bboxShape, product } from '../../core/bbox';
import { BaseVolumeStore } from '../../core/base-volume-store';
import { copyRegion } from '../../core/copy-region';
import { allocate } from '../../core/dtype';
import { mapLimit } from '../../core/runs';
import type { BBox, VolumeArray, VolumeFormat, VolumeMeta } from '../../volume.types';
import { alignOutwards, planCutouts } from './cutout-plan';
import type { CompiledRemoteOptions } from './remote-options';

/** Where the store's voxel 0 lies in the service's coordinates, and how the service stores data. */
export interface RemoteLayout {
  /** Service coordinate of the store's voxel (0, 0, 0), C order. */
  origin: readonly number[];
  /** The service's storage block, C order: requests are aligned to it. */
  block: readonly number[];
  /** POSTs must cover whole blocks (DVID): partial-block writes read, merge and post whole blocks. */
  writesWholeBlocks: boolean;
}

/** Base class of the bossDB and DVID stores. Boxes passed to `getPiece`/`postPiece` are in service coordinates. */
export abstract class RemoteVolumeStore extends BaseVolumeStore {
  protected constructor(
    uri: string,
    format: VolumeFormat,
    meta: VolumeMeta,
    protected readonly layout: RemoteLayout,
    protected readonly options: CompiledRemoteOptions,
  ) {
    super(uri, format, meta, false);
  }

  /** Fetches one piece (service coordinates, C order) as a C-order array of this dtype. */
  protected abstract getPiece(piece: BBox): Promise<VolumeArray>;
  /** Stores one piece (service coordinates; block-aligned when `writesWholeBlocks`). */
  protected abstract postPiece(piece: BBox, data: VolumeArray): Promise<void>;

  protected readBox(box: BBox, out: VolumeArray): Promise<void> {
    return this.readService(this.toService(box), out);
  }

  protected async writeBox(box: BBox, data: VolumeArray): Promise<void> {
    let target = this.toService(box);
    let payload = data;
    if (this.layout.writesWholeBlocks) {
      const aligned = alignOutwards(target, this.layout.block);
      if (aligned.start.some((s, i) => s !== target.start[i] || aligned.stop[i] !== target.stop[i])) {
        payload = allocate(this.dtype, product(bboxShape(aligned)));
        await this.readService(aligned, payload);
        copyRegion({ data, box: target }, { data: payload, box: aligned }, target);
        target = aligned;
      }
    }
    const pieces = planCutouts(target, { maxVoxels: this.options.maxVoxelsPerRequest, align: this.layout.block, wholeBlocks: this.layout.writesWholeBlocks });
    await mapLimit(pieces, this.options.concurrency, async (piece) => {
      if (pieces.length === 1) return this.postPiece(piece, payload);
      const part = allocate(this.dtype, product(bboxShape(piece)));
      copyRegion({ data: payload, box: target }, { data: part, box: piece }, piece);
      return this.postPiece(piece, part);
    });
  }

  private async readService(target: BBox, out: VolumeArray): Promise<void> {
    const pieces = planCutouts(target, { maxVoxels: this.options.maxVoxelsPerRequest, align: this.layout.block });
    await mapLimit(pieces, this.options.concurrency, async (piece) => {
      const data = await this.getPiece(piece);
      if (pieces.length === 1) out.set(data as never);
      else copyRegion({ data, box: piece }, { data: out, box: target }, piece);
    });
  }

  private toService(box: BBox): BBox {
    const { origin } = this.layout;
    return { start: box.start.map((s, i) => s + origin[i]), stop: box.stop.map((s, i) => s + origin[i]) };
  }
}
