import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { VolumeCorruptError, VolumeDtypeError, VolumeUnsupportedError } from '../../errors/volume-errors';
import { createVolume, openVolume } from '../../open-volume';
import { roundTrip } from '../../testing/round-trip';
import { tempDir } from '../../testing/volume-fixtures';
import { PNG_DTYPES } from './png.driver';

const ISBI = '../shared/data/isbi2012';

describe('png driver', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await tempDir()));
  after(() => cleanup());

  for (const dtype of PNG_DTYPES) {
    it(`round-trips a ${dtype} stack`, () => roundTrip(`png://${dir}/${dtype}`, { shape: [5, 9, 7], dtype }));
  }

  it('opens the ISBI 2012 slices 0.png ... 29.png in natural order', async () => {
    const v = await openVolume(`png:${ISBI}/image`);
    assert.deepEqual([...v.shape], [30, 512, 512]);
    assert.equal(v.dtype, 'uint8');
    const slice10 = PNG.sync.read(await readFile(`${ISBI}/image/10.png`));
    const got = await v.read({ start: [10, 100, 0], stop: [11, 101, 512] });
    assert.deepEqual(got, Uint8Array.from({ length: 512 }, (_, x) => slice10.data[(100 * 512 + x) * 4]));
    await v.close();
  });

  it('refuses color images, other dtypes and undecodable slices', async () => {
    const color = new PNG({ width: 2, height: 1 });
    color.data.set([255, 0, 0, 255, 0, 255, 0, 255]);
    const root = join(dir, 'color');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(root);
    await writeFile(join(root, '0.png'), PNG.sync.write(color));
    await assert.rejects(openVolume(`png://${root}`), new VolumeUnsupportedError(`png://${root}`, '0.png is a color PNG; only grayscale stacks are supported'));
    await assert.rejects(createVolume(`png://${dir}/f`, { shape: [1, 2, 2], dtype: 'float32' }),
      new VolumeDtypeError(`png://${dir}/f`, 'dtype float32 is not supported by PNG (supported: uint8, uint16)'));
    const v = await createVolume(`png://${dir}/broken`, { shape: [2, 2, 2], dtype: 'uint8' });
    await writeFile(join(dir, 'broken', '0001.png'), 'garbage');
    await assert.rejects(v.read(), (e: unknown) => e instanceof VolumeCorruptError && e.chunk === '0001.png' && e.message.startsWith(`png://${dir}/broken: corrupt chunk 0001.png: not a decodable PNG`));
    await v.close();
  });
});
