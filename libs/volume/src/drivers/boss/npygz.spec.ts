import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { VolumeCorruptError } from '../../errors/volume-errors';
import { randomArray } from '../../testing/volume-fixtures';
import { formatNpyHeader } from '../npy/npy-header';
import { decodeNpygz, encodeNpygz } from './npygz';

describe('npygz (zlib-compressed .npy) cutout bodies', () => {
  it('round-trips every bossDB dtype; the body is zlib over a C-order .npy file', async () => {
    for (const dtype of ['uint8', 'uint16', 'uint64'] as const) {
      const data = randomArray(dtype, 2 * 3 * 4, 2);
      const body = await encodeNpygz(dtype, [2, 3, 4], data);
      assert.equal(Buffer.from(inflateSync(body)).subarray(0, 6).toString('latin1'), '\x93NUMPY');
      assert.deepEqual(await decodeNpygz('boss://h/c/e/ch', 'cutout', body, dtype, [2, 3, 4]), data);
    }
  });

  it('refuses bodies of another dtype, shape or length as VolumeCorruptError', async () => {
    const uri = 'boss://h/c/e/ch';
    const npy = (header: Uint8Array, bytes: number) => deflateSync(Buffer.concat([header, Buffer.alloc(bytes)]));
    await assert.rejects(decodeNpygz(uri, 'c1', npy(formatNpyHeader('uint16', [2, 2, 2]), 16), 'uint8', [2, 2, 2]), new VolumeCorruptError(uri, 'c1', 'the service sent uint16 data for a uint8 volume'));
    await assert.rejects(decodeNpygz(uri, 'c2', npy(formatNpyHeader('uint8', [2, 2, 3]), 12), 'uint8', [2, 2, 2]), new VolumeCorruptError(uri, 'c2', 'the service sent an array of shape (2, 2, 3), expected C-order (2, 2, 2)'));
    await assert.rejects(decodeNpygz(uri, 'c3', npy(formatNpyHeader('uint8', [2, 2, 2]), 7), 'uint8', [2, 2, 2]), new VolumeCorruptError(uri, 'c3', '7 data bytes, expected 8'));
    await assert.rejects(decodeNpygz(uri, 'c4', deflateSync(Buffer.from('not npy at all')), 'uint8', [1, 1, 1]), new VolumeCorruptError(uri, 'c4', 'bad .npy header: not a .npy file (bad magic)'));
  });
});
