import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DTYPES } from '../../core/dtype';
import { VolumeCorruptError, VolumeDtypeError, VolumeExistsError, VolumeNotFoundError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { tempDir } from '../../testing/volume-fixtures';
import { formatNpyHeader } from './npy-header';

describe('npy driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const dtype of DTYPES) {
    it(`round-trips ${dtype}`, () => roundTrip(`npy://${dir}/${dtype}.npy`, { shape: [5, 9, 7], dtype }));
  }

  it('reads boxes of short rows (span reads) one after the other and several at once, with the right values', async () => {
    const shape = [6, 40, 50];
    const data = Float32Array.from({ length: 6 * 40 * 50 }, (_, i) => i);
    const w = await createVolume(`npy://${dir}/spans.npy`, { shape, dtype: 'float32' });
    await w.write({ start: [0, 0, 0], stop: shape }, data);
    await w.close();
    const v = await openVolume(`npy://${dir}/spans.npy`);
    const want = (z0: number, z1: number, x0: number, x1: number): number[] => {
      const out: number[] = [];
      for (let z = z0; z < z1; z++) for (let y = 0; y < 40; y++) for (let x = x0; x < x1; x++) out.push((z * 40 + y) * 50 + x);
      return out;
    };
    const boxes = [[0, 2, 3, 20], [1, 6, 10, 45], [2, 4, 0, 49], [0, 6, 5, 6]] as const;
    for (const [z0, z1, x0, x1] of boxes) {
      assert.deepEqual(Array.from((await v.read({ start: [z0, 0, x0], stop: [z1, 40, x1] })) as Float32Array), want(z0, z1, x0, x1), `box ${[z0, z1, x0, x1]}`);
    }
    const together = await Promise.all(boxes.map(([z0, z1, x0, x1]) => v.read({ start: [z0, 0, x0], stop: [z1, 40, x1] })));
    together.forEach((got, k) => assert.deepEqual(Array.from(got as Float32Array), want(boxes[k][0], boxes[k][1], boxes[k][2], boxes[k][3]), `box ${boxes[k]} read together with the others`));
    await v.close();
  });

  it('writes the header numpy writes (np.save of a (2, 3, 4) uint16 array)', () => {
    const header = Buffer.from(formatNpyHeader('uint16', [2, 3, 4]));
    assert.equal(header.length, 128);
    assert.equal(header.subarray(0, 10).toString('latin1'), '\x93NUMPY\x01\x00v\x00');
    assert.equal(header.subarray(10).toString('latin1').trimEnd(), "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3, 4), }");
  });

  it('opens a Fortran-order file of numpy shape (x, y, z) as (z, y, x) over the same bytes', async () => {
    const head = Buffer.from(Buffer.from(formatNpyHeader('int32', [4, 3, 2])).toString('latin1').replace("'fortran_order': False", "'fortran_order': True "), 'latin1');
    const values = Int32Array.from({ length: 24 }, (_, i) => i * 3 - 20);
    const path = join(dir, 'fortran.npy');
    await writeFile(path, Buffer.concat([head, Buffer.from(values.buffer)]));
    const v = await openVolume(`npy://${path}`);
    assert.deepEqual([...v.shape], [2, 3, 4]);
    assert.deepEqual(await v.read(), values);
    // numpy a[x=1, y=2, z=1] is Fortran offset 1 + 2*4 + 1*12 = 21
    assert.deepEqual(await v.read({ start: [1, 2, 1], stop: [2, 3, 2] }), Int32Array.of(values[21]));
    await v.close();
  });

  it('refuses a missing file, an existing target, a truncated file and a bool array', async () => {
    const missing = `npy://${dir}/nope.npy`;
    await assert.rejects(openVolume(missing), (e: unknown) => {
      assert.ok(e instanceof VolumeNotFoundError);
      assert.equal(e.message, `${missing}: no .npy file at ${dir}/nope.npy`);
      return true;
    });
    const uri = `npy://${dir}/t.npy`;
    await (await createVolume(uri, { shape: [2, 2, 2], dtype: 'uint8' })).close();
    await assert.rejects(createVolume(uri, { shape: [2, 2, 2], dtype: 'uint8' }), new VolumeExistsError(uri, `${dir}/t.npy already exists (pass overwrite: true to replace it)`));
    const bytes = await readFile(`${dir}/t.npy`);
    await writeFile(`${dir}/t.npy`, bytes.subarray(0, bytes.length - 1));
    await assert.rejects(openVolume(uri), (e: unknown) => {
      assert.ok(e instanceof VolumeCorruptError);
      assert.equal(e.chunk, 'data');
      assert.equal(e.message, `${uri}: corrupt chunk data: file is truncated: 135 bytes, the header promises 136`);
      return true;
    });
    await writeFile(`${dir}/b.npy`, Buffer.concat([Buffer.from(Buffer.from(formatNpyHeader('uint8', [2])).toString('latin1').replace("'|u1'", "'|b1'"), 'latin1'), Buffer.from([1, 0])]));
    await assert.rejects(openVolume(`npy://${dir}/b.npy`), (e: unknown) => e instanceof VolumeDtypeError && e.message.endsWith(`numpy dtype '|b1' is not supported (unsigned/signed integers and floats of 1-8 bytes are)`));
  });
});
