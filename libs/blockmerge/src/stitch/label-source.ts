import type { LabelArray } from '@saber/imaging';
import { arrayCtor, type VolumeStore } from '@saber/volume';
import { IncompleteBlocksError } from '../errors';
import { boxContains, boxShape, cropBox, formatBox, type Box3, type GridBlock } from '../grid/block-grid';

/**
 * Where the block-local labels come from. A block's result covers its core (one volume
 * of all cores, a "mosaic") or its halo region (what a tool run on the block's input
 * writes); the stitcher reads boxes inside that extent, one block at a time.
 */
export interface BlockLabelSource {
  /** The box (volume coordinates) the block's result covers: its core or its halo region. */
  extent(block: GridBlock): Promise<Box3>;
  /**
   * The labels of `box` (inside the extent), C order. Sources that read from volumes
   * return one reused array: valid until the next `read`.
   */
  read(block: GridBlock, box: Box3): Promise<LabelArray>;
  /** Releases what the source holds open. */
  close?(): Promise<void>;
}

/** One block's labels in memory, over `box`. */
export interface BlockLabels {
  readonly box: Box3;
  readonly labels: LabelArray;
}

/** A source over results held in memory (tests, small volumes): `results[block.index]`. */
export function memoryLabelSource(results: ReadonlyArray<BlockLabels | undefined>): BlockLabelSource {
  const get = (block: GridBlock): BlockLabels => {
    const r = results[block.index];
    if (!r) throw new IncompleteBlocksError(`block ${block.index} has no result`, [`block ${block.index}: missing`]);
    return r;
  };
  return {
    extent: async (block) => get(block).box,
    read: async (block, box) => {
      const r = get(block);
      return sameBox(r.box, box) ? r.labels : cropBox(r.labels, r.box, box);
    },
  };
}

/**
 * A source over one label volume whose every core holds that block's local labels
 * (voxel `(z, y, x)` of the volume is voxel `(z, y, x)` of the frame). Extent: the core.
 * Reads reuse one array.
 */
export function mosaicLabelSource(store: Pick<VolumeStore, 'read' | 'shape' | 'uri' | 'dtype'>): BlockLabelSource {
  const reader = reusedReader();
  return {
    extent: async (block) => block.core,
    read: async (_block, box) => reader.read(store, { start: box.start, stop: box.stop }),
    close: async () => reader.release(),
  };
}

/**
 * Reads into one array, grown when a read needs more (fresh memory costs a page fault
 * per 4 KiB): each result is a view of it, valid until the next read.
 */
function reusedReader() {
  let last: LabelArray | undefined;
  return {
    async read(store: Pick<VolumeStore, 'read' | 'dtype'>, box: { start: readonly number[]; stop: readonly number[] }): Promise<LabelArray> {
      const Ctor = arrayCtor(store.dtype);
      let n = 1;
      for (let a = 0; a < box.start.length; a++) n *= box.stop[a]! - box.start[a]!;
      const into = last && last.constructor === Ctor && last.buffer.byteLength >= n * Ctor.BYTES_PER_ELEMENT ? new Ctor(last.buffer, 0, n) : undefined;
      const got = (await store.read(box, into)) as LabelArray;
      if (!into) last = got;
      return got;
    },
    release(): void {
      last = undefined;
    },
  };
}

/**
 * A source over one volume per block (what each block's run wrote). The volume's shape
 * says what it covers: the block's halo region or its core; anything else is refused.
 * At most one block's volume is open at a time, and reads reuse one array.
 */
export function perBlockLabelSource(open: (block: GridBlock) => Promise<Pick<VolumeStore, 'read' | 'shape' | 'uri' | 'close' | 'dtype'>>): BlockLabelSource {
  let current: { index: number; store: Pick<VolumeStore, 'read' | 'shape' | 'uri' | 'close' | 'dtype'>; extent: Box3 } | undefined;
  const reader = reusedReader();
  const select = async (block: GridBlock) => {
    if (current?.index === block.index) return current;
    if (current) await current.store.close();
    current = undefined;
    const store = await open(block);
    const s = store.shape;
    const fits = (b: Box3) => {
      const bs = boxShape(b);
      return s.length === 3 && s[0] === bs[0] && s[1] === bs[1] && s[2] === bs[2];
    };
    const extent = fits(block.halo) ? block.halo : fits(block.core) ? block.core : undefined;
    if (!extent) {
      await store.close();
      throw new IncompleteBlocksError(`block ${block.index}: ${store.uri} has shape (${s.join(', ')}); expected its halo region ${formatBox(block.halo)} or its core ${formatBox(block.core)}`, [
        `block ${block.index}: shape (${s.join(', ')}) fits neither halo ${formatBox(block.halo)} nor core ${formatBox(block.core)}`,
      ]);
    }
    current = { index: block.index, store, extent };
    return current;
  };
  return {
    extent: async (block) => (await select(block)).extent,
    read: async (block, box) => {
      const c = await select(block);
      if (!boxContains(c.extent, box)) throw new RangeError(`box ${formatBox(box)} is outside block ${block.index}'s extent ${formatBox(c.extent)}`);
      const start = [0, 1, 2].map((a) => box.start[a]! - c.extent.start[a]!);
      const stop = [0, 1, 2].map((a) => box.stop[a]! - c.extent.start[a]!);
      return reader.read(c.store, { start, stop });
    },
    close: async () => {
      if (current) await current.store.close();
      current = undefined;
      reader.release();
    },
  };
}

function sameBox(a: Box3, b: Box3): boolean {
  for (let i = 0; i < 3; i++) if (a.start[i] !== b.start[i] || a.stop[i] !== b.stop[i]) return false;
  return true;
}
