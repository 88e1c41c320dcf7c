/**
 * A minimal little-endian classic-TIFF writer for grayscale stacks: one uncompressed
 * strip per page, all IFDs first, then the pages back to back. Because the layout is
 * fixed, the file is created once (header + sparse zero pixels) and every later write
 * is a positional write into the pages — no page count limit and no rewrite of the
 * file (utif corrupts stacks beyond ~150 pages, which is why SABER does not use it).
 */
import type { Dtype } from '../../volume.types';
import { dtypeSize } from '../../core/dtype';

/** TIFF SampleFormat per dtype: 1 unsigned, 2 signed, 3 IEEE float. 64-bit integers are not written. */
export const TIFF_SAMPLE_FORMAT: Partial<Record<Dtype, number>> = {
  uint8: 1, uint16: 1, uint32: 1, int8: 2, int16: 2, int32: 2, float32: 3, float64: 3,
};

/** Bytes of one IFD with the 11 tags written here. */
const IFD_BYTES = 2 + 11 * 12 + 4;

/** Where things are in a stack written by {@link tiffStackHeader}. */
export interface TiffStackLayout {
  /** Header and IFDs; pixels follow at `dataOffset`. */
  header: Uint8Array;
  dataOffset: number;
  pageBytes: number;
  totalBytes: number;
}

/** Largest classic TIFF (32-bit offsets). */
export const MAX_TIFF_BYTES = 2 ** 32 - 1;

/** Header and IFDs of a `pages`-page stack of `height` x `width` pixels of `dtype`. */
export function tiffStackHeader(width: number, height: number, pages: number, dtype: Dtype): TiffStackLayout {
  const size = dtypeSize(dtype);
  const pageBytes = width * height * size;
  const ifdStart = 8;
  const dataOffset = Math.ceil((ifdStart + pages * IFD_BYTES) / 16) * 16;
  const totalBytes = dataOffset + pages * pageBytes;
  const header = new Uint8Array(dataOffset);
  const dv = new DataView(header.buffer);
  header[0] = 0x49; // 'II': little-endian
  header[1] = 0x49;
  dv.setUint16(2, 42, true);
  dv.setUint32(4, ifdStart, true);
  const format = TIFF_SAMPLE_FORMAT[dtype] ?? 1;
  for (let p = 0; p < pages; p++) {
    let o = ifdStart + p * IFD_BYTES;
    dv.setUint16(o, 11, true);
    o += 2;
    const tag = (id: number, type: 3 | 4, value: number) => {
      dv.setUint16(o, id, true);
      dv.setUint16(o + 2, type, true);
      dv.setUint32(o + 4, 1, true);
      if (type === 3) dv.setUint16(o + 8, value, true);
      else dv.setUint32(o + 8, value, true);
      o += 12;
    };
    tag(256, 4, width); // ImageWidth
    tag(257, 4, height); // ImageLength
    tag(258, 3, size * 8); // BitsPerSample
    tag(259, 3, 1); // Compression: none
    tag(262, 3, 1); // PhotometricInterpretation: BlackIsZero
    tag(273, 4, dataOffset + p * pageBytes); // StripOffsets
    tag(277, 3, 1); // SamplesPerPixel
    tag(278, 4, height); // RowsPerStrip
    tag(279, 4, pageBytes); // StripByteCounts
    tag(284, 3, 1); // PlanarConfiguration: chunky
    tag(339, 3, format); // SampleFormat
    dv.setUint32(o, p + 1 < pages ? ifdStart + (p + 1) * IFD_BYTES : 0, true);
  }
  return { header, dataOffset, pageBytes, totalBytes };
}
