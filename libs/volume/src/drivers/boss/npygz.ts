/**
 * `application/npygz`, the bossDB cutout encoding SABER uses: a `.npy` file (C order,
 * `(z, y, x)`) compressed with zlib, as the Boss's `NpygzRenderer`/`NpygzParser` write and
 * read it (`zlib.compress(np.save(...))`). It needs only Node's zlib, unlike the Blosc
 * encodings.
 */
import { promisify } from 'node:util';
import { constants, deflate, inflate } from 'node:zlib';
import { product } from '../../core/bbox';
import { bytesOf, dtypeSize, viewAs } from '../../core/dtype';
import { VolumeCorruptError } from '../../errors/volume-errors';
import type { Dtype, VolumeArray } from '../../volume.types';
import { formatNpyHeader, parseNpyHeader } from '../npy/npy-header';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** The media type of npygz bodies. */
export const NPYGZ_MEDIA_TYPE = 'application/npygz';

/** Encodes a C-order array of `shape` as npygz. */
export async function encodeNpygz(dtype: Dtype, shape: readonly number[], data: VolumeArray): Promise<Uint8Array> {
  const header = formatNpyHeader(dtype, shape);
  const raw = Buffer.concat([header, bytesOf(data)]);
  return new Uint8Array(await deflateAsync(raw, { level: constants.Z_BEST_SPEED }));
}

/**
 * Decodes an npygz body that must hold a C-order `dtype` array of `shape`. Anything else
 * (not zlib, not `.npy`, another dtype or shape, too few bytes) is a `VolumeCorruptError`
 * naming `chunk`.
 */
export async function decodeNpygz(uri: string, chunk: string, body: Uint8Array, dtype: Dtype, shape: readonly number[]): Promise<VolumeArray> {
  const corrupt = (problem: string, cause?: unknown) => new VolumeCorruptError(uri, chunk, problem, { cause });
  let raw: Uint8Array;
  try {
    raw = await inflateAsync(body);
  } catch (cause) {
    throw corrupt(`body is not zlib-compressed .npy (${NPYGZ_MEDIA_TYPE}): ${(cause as Error).message}`, cause);
  }
  let header;
  try {
    header = parseNpyHeader(uri, raw);
  } catch (cause) {
    throw corrupt(`bad .npy header: ${(cause as Error).message.replace(`${uri}: `, '').replace(/^corrupt chunk header: /, '')}`, cause);
  }
  if (header.dtype !== dtype) throw corrupt(`the service sent ${header.dtype} data for a ${dtype} volume`);
  const want = [...shape];
  if (header.fortranOrder || header.shape.length !== want.length || header.shape.some((s, i) => s !== want[i])) {
    throw corrupt(`the service sent an array of shape (${header.shape.join(', ')})${header.fortranOrder ? ' in Fortran order' : ''}, expected C-order (${want.join(', ')})`);
  }
  const need = product(want) * dtypeSize(dtype);
  const got = raw.byteLength - header.dataOffset;
  if (got !== need) throw corrupt(`${got} data bytes, expected ${need}`);
  return viewAs(dtype, raw.subarray(header.dataOffset));
}
