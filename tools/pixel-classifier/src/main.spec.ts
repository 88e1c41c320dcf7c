import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mulberry32 } from '@saber/imaging';
import { openVolume } from '@saber/volume';
import { runTool, writeOutput, type ToolIo } from '@saber/toolkit';
import { main, MODEL_FORMAT, MODEL_FORMAT_DIFFERENCES } from './main';

const dir = mkdtempSync(join(tmpdir(), 'pixel-classifier-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const shape = [8, 20, 24] as const;
const n = 8 * 20 * 24;

function io(): ToolIo & { lines: string[]; errors: string[]; metrics(): Record<string, number> } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    metrics: () => Object.fromEntries(lines.map((l) => l.split(': ')).map(([k, v]) => [k, Number(v)])),
  };
}

/** Dark disks (class 2) on a bright noisy background (class 1); labels: 1 and 2 everywhere. */
before(async () => {
  const rand = mulberry32(5);
  const image = new Float32Array(n);
  const labels = new Uint8Array(n);
  const raw = new Uint8Array(n);
  for (let z = 0; z < 8; z++)
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 24; x++) {
        const i = (z * 20 + y) * 24 + x;
        const inside = (y - 10) ** 2 + ((x % 12) - 6) ** 2 < 16;
        image[i] = (inside ? 0.3 : 0.7) + 0.1 * (rand() - 0.5);
        labels[i] = inside ? 2 : 1;
        raw[i] = inside ? 255 : 0;
      }
  await writeOutput(join(dir, 'image.npy'), image, shape);
  await writeOutput(join(dir, 'labels.npy'), labels, shape);
  await writeOutput(join(dir, 'raw.npy'), raw, shape);
});

describe('pixel-classifier', () => {
  it('trains a forest, writes a model, and predicts (C, Z, Y, X) probabilities that score high against the truth', async () => {
    const t = io();
    await main(['train', '--image', join(dir, 'image.npy'), '--labels', join(dir, 'labels.npy'), '--model', join(dir, 'm.json'), '--scales', '1', '--trees', '4', '--samples', '1000'], t);
    const m = t.metrics();
    assert.deepEqual([m.training_samples, m.features, m.classes], [1000, 11, 2]);
    assert.ok(m.oob_accuracy > 0.9, `oob ${m.oob_accuracy}`);
    const model = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    assert.deepEqual([model.format, model.classes, model.channels], [MODEL_FORMAT, [1, 2], 1]);
    const p = io();
    await main(['predict', '--image', join(dir, 'image.npy'), '--model', join(dir, 'm.json'), '--output', join(dir, 'p.npy'), '--groundtruth', join(dir, 'labels.npy'), '--positive', '2'], p);
    assert.ok(p.metrics().pixel_f1 > 0.95, p.lines.join('; '));
    const v = await openVolume(join(dir, 'p.npy'));
    assert.deepEqual([v.shape, v.dtype], [[2, 8, 20, 24], 'float32']);
    const probs = (await v.read()) as Float32Array;
    await v.close();
    for (let i = 0; i < n; i++) assert.ok(Math.abs(probs[i] + probs[n + i] - 1) < 1e-5);
  });

  it('predicts one class, a z-range and uint8; maps raw labels; takes extra channels; trains per slice', async () => {
    await main(['train', '--image', join(dir, 'image.npy'), '--image', join(dir, 'image.npy'), '--labels', join(dir, 'raw.npy'), '--label-map', '0:1,255:2', '--model', join(dir, 'm2.json'), '--scales', '1', '--trees', '2', '--samples', '500', '--dims', '2', '--slices', '0:4', '--balanced'], io());
    const model = JSON.parse(readFileSync(join(dir, 'm2.json'), 'utf8'));
    assert.deepEqual([model.channels, model.features.dims, model.forest.features], [2, 2, 18]);
    await main(['predict', '--image', join(dir, 'image.npy'), '--image', join(dir, 'image.npy'), '--model', join(dir, 'm2.json'), '--output', join(dir, 'c2.npy'), '--class', '2', '--slices', '4:8', '--dtype', 'uint8'], io());
    const v = await openVolume(join(dir, 'c2.npy'));
    assert.deepEqual([v.shape, v.dtype], [[4, 20, 24], 'uint8']);
    await v.close();
    const err = io();
    assert.equal(await runTool(main, ['predict', '--image', join(dir, 'image.npy'), '--model', join(dir, 'm2.json'), '--output', join(dir, 'x.npy')], err), 2);
    assert.deepEqual(err.errors, ['error: the model was trained on 2 --image volume(s), got 1']);
  });

  it('predicts a --box bit-identical to the whole volume there (its features read the voxels around it), with either derivatives', async () => {
    for (const derivatives of ['gaussian', 'differences']) {
      const mb = join(dir, `mb-${derivatives}.json`);
      await main(['train', '--image', join(dir, 'image.npy'), '--labels', join(dir, 'labels.npy'), '--model', mb, '--scales', '1,2', '--features', 'gaussian,laplacian,hessian', '--derivatives', derivatives, '--trees', '3', '--samples', '800'], io());
      const written = JSON.parse(readFileSync(mb, 'utf8'));
      assert.deepEqual([written.format, written.features.derivatives], [derivatives === 'gaussian' ? MODEL_FORMAT : MODEL_FORMAT_DIFFERENCES, derivatives]);
      await main(['predict', '--image', join(dir, 'image.npy'), '--model', mb, '--output', join(dir, 'whole.npy')], io());
      const whole = await openVolume(join(dir, 'whole.npy'));
      for (const box of [[1, 7, 3, 15, 5, 20], [0, 8, 0, 20, 0, 24], [6, 8, 18, 20, 0, 2]]) {
        const text = `${box[0]}:${box[1]},${box[2]}:${box[3]},${box[4]}:${box[5]}`;
        const b = io();
        await main(['predict', '--image', join(dir, 'image.npy'), '--model', mb, '--output', join(dir, 'box.npy'), '--box', text], b);
        assert.equal(b.metrics().voxels, (box[1] - box[0]) * (box[3] - box[2]) * (box[5] - box[4]));
        const v = await openVolume(join(dir, 'box.npy'));
        assert.deepEqual(v.shape, [2, box[1] - box[0], box[3] - box[2], box[5] - box[4]]);
        assert.deepEqual(await v.read(), await whole.read({ start: [0, box[0], box[2], box[4]], stop: [2, box[1], box[3], box[5]] }), `${derivatives} ${text}`);
        await v.close();
      }
      await whole.close();
    }
    // A /1 model that says differences (or a /2 that does not) is refused, not read as the other.
    const forged = JSON.parse(readFileSync(join(dir, 'mb-differences.json'), 'utf8'));
    writeFileSync(join(dir, 'forged.json'), JSON.stringify({ ...forged, format: MODEL_FORMAT }));
    const refused = io();
    assert.equal(await runTool(main, ['predict', '--image', join(dir, 'image.npy'), '--model', join(dir, 'forged.json'), '--output', join(dir, 'x.npy')], refused), 1);
    assert.deepEqual(refused.errors, [`error: ${join(dir, 'forged.json')}: a ${MODEL_FORMAT} model must have derivatives gaussian, this one has "differences"`]);
    const unknown = io();
    assert.equal(await runTool(main, ['train', '--image', join(dir, 'image.npy'), '--labels', join(dir, 'labels.npy'), '--model', join(dir, 'x.json'), '--derivatives', 'sobel'], unknown), 2);
    assert.match(unknown.errors[0], /--derivatives.*sobel.*gaussian, differences/);
    const mb = join(dir, 'mb-gaussian.json');
    const outside = io();
    assert.equal(await runTool(main, ['predict', '--image', join(dir, 'image.npy'), '--model', mb, '--output', join(dir, 'x.npy'), '--box', '0:8,0:21,0:24'], outside), 1);
    assert.deepEqual(outside.errors, [`error: ${join(dir, 'image.npy')}: --box 0:8,0:21,0:24 is outside the volume (8, 20, 24) along y`]);
    const both = io();
    assert.equal(await runTool(main, ['predict', '--image', join(dir, 'image.npy'), '--model', mb, '--output', join(dir, 'x.npy'), '--box', '0:8,0:20,0:24', '--slices', '0:2'], both), 2);
    assert.deepEqual(both.errors, ['error: give --box or --slices, not both']);
    const bad = io();
    assert.equal(await runTool(main, ['predict', '--image', join(dir, 'image.npy'), '--model', mb, '--output', join(dir, 'x.npy'), '--box', '0:8,5:5,0:24'], bad), 2);
    assert.match(bad.errors[0], /--box: y: stop must be greater than start/);
  });

  it('computes features in slabs of whole planes, or in y-x tiles when too few planes fit in --memory, with the same probabilities', async () => {
    // 20 x 30 x 34 voxels at --memory 1 (MiB): m.json (11 features) fits 6 whole planes, so slabs
    // of 6 planes (the last one, planes 14-20, handing on 18-20); m3.json (2 channels of 5) fits
    // 3, fewer than 4 (and than its z reach), so slabs of 4 planes in 2 x 2 tiles of 15 x 17
    // voxels (windows of 23 x 25).
    const big = [20, 30, 34] as const;
    const rand = mulberry32(9);
    const image = new Float32Array(big[0] * big[1] * big[2]).map((_, i) => ((i % 34) - 17) ** 2 + ((Math.floor(i / 34) % 30) - 15) ** 2 < 40 ? 0.3 + 0.1 * rand() : 0.7 + 0.1 * rand());
    await writeOutput(join(dir, 'big.npy'), image, big);
    await main(['train', '--image', join(dir, 'image.npy'), '--image', join(dir, 'image.npy'), '--labels', join(dir, 'labels.npy'), '--model', join(dir, 'm3.json'), '--scales', '1', '--features', 'gaussian,hessian', '--trees', '2', '--samples', '500'], io());
    const read = async (path: string) => {
      const v = await openVolume(path);
      try {
        return await v.read();
      } finally {
        await v.close();
      }
    };
    for (const [model, images] of [['m.json', ['big.npy']], ['m3.json', ['big.npy', 'big.npy']]] as const) {
      const args = ['predict', ...images.flatMap((f) => ['--image', join(dir, f)]), '--model', join(dir, model)];
      await main([...args, '--output', join(dir, 'whole.npy')], io());
      await main([...args, '--output', join(dir, 'tiled.npy'), '--memory', '1'], io());
      const [whole, tiled] = [await read(join(dir, 'whole.npy')), await read(join(dir, 'tiled.npy'))];
      assert.equal(whole.length, 2 * image.length);
      assert.deepEqual(tiled, whole, `${model}: tiled features give other probabilities`);
    }
  });

  it('fits a Gaussian mixture and writes the darkest component posterior', async () => {
    const g = io();
    await main(['gmm', '--image', join(dir, 'image.npy'), '--output', join(dir, 'g.npy'), '--samples', '2000'], g);
    const m = g.metrics();
    assert.ok(m.component_0_mean < 0.45 && m.component_1_mean > 0.55, g.lines.join('; '));
    const v = await openVolume(join(dir, 'g.npy'));
    const post = (await v.read()) as Float32Array;
    await v.close();
    const labels = (await (await openVolume(join(dir, 'labels.npy'))).read()) as Uint8Array;
    let agree = 0;
    for (let i = 0; i < n; i++) if ((post[i] > 0.5) === (labels[i] === 2)) agree++;
    assert.ok(agree / n > 0.95, `agreement ${agree / n}`);
  });

  it('exits 2 on usage errors and 1 on unusable inputs', async () => {
    assert.equal(await runTool(main, ['train', '--labels', 'x.npy', '--model', 'm.json'], io()), 2);
    assert.equal(await runTool(main, ['predict', '--bogus'], io()), 2);
    const e = io();
    assert.equal(await runTool(main, ['train', '--image', join(dir, 'image.npy'), '--labels', join(dir, 'c2.npy'), '--model', join(dir, 'z.json')], e), 1);
    assert.match(e.errors[0], /differ in shape/);
  });
});
