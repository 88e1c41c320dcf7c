import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bruteLabel } from '../testing/brute-force';
import { prng, randomMask, randomShape } from '../testing/fixtures';
import { segmentVessels } from '../segmentation/segment-vessels';
import { binaryDilation } from './binary-morphology';
import { removeSmallObjects } from './remove-small-objects';

describe('removeSmallObjects', () => {
  it('keeps exactly the breadth-first components of at least minSize voxels on 60 random masks', () => {
    const rand = prng(79);
    for (let trial = 0; trial < 60; trial++) {
      const shape = randomShape(rand, [7, 8, 9]);
      const mask = randomMask(rand, shape, 0.15 + 0.4 * rand());
      const minSize = Math.floor(rand() * 12);
      const conn = ([6, 18, 26] as const)[trial % 3];
      const { labels, count } = bruteLabel(mask, shape, conn, false, (v) => v !== 0);
      const sizes = new Array<number>(count + 1).fill(0);
      for (const l of labels) sizes[l]++;
      const want = labels.map((l) => (l !== 0 && sizes[l] >= minSize ? 1 : 0));
      assert.deepEqual(Array.from(removeSmallObjects(mask, shape, minSize, { connectivity: conn })), want, `trial ${trial}`);
      // In place: the same.
      const inPlace = Uint8Array.from(mask);
      assert.equal(removeSmallObjects(inPlace, shape, minSize, { connectivity: conn, out: inPlace }), inPlace);
      assert.deepEqual(Array.from(inPlace), want, `trial ${trial} in place`);
      // keepCut: components with a voxel on a face of the volume stay whatever their size.
      const [Z, Y, X] = shape;
      const onFace = new Set<number>();
      labels.forEach((l, i) => {
        const [z, y, x] = [Math.floor(i / (Y * X)), Math.floor(i / X) % Y, i % X];
        if (l !== 0 && (z === 0 || z === Z - 1 || y === 0 || y === Y - 1 || x === 0 || x === X - 1)) onFace.add(l);
      });
      const wantCut = labels.map((l) => (l !== 0 && (sizes[l] >= minSize || onFace.has(l)) ? 1 : 0));
      assert.deepEqual(Array.from(removeSmallObjects(mask, shape, minSize, { connectivity: conn, keepCut: true })), wantCut, `trial ${trial} keepCut`);
    }
  });

  it('keepCut keeps a small object on a face and drops the same object inside', () => {
    const shape: [number, number, number] = [5, 5, 5];
    const mask = new Uint8Array(125);
    mask[0] = 1; // corner voxel, on three faces
    mask[62] = 1; // the centre voxel
    const out = removeSmallObjects(mask, shape, 2, { keepCut: true });
    assert.deepEqual([out[0], out[62]], [1, 0]);
    assert.throws(() => removeSmallObjects(mask, shape, 2, { out: new Uint8Array(124) }), /out has 124 values, the volume 125/);
  });
});

describe('segmentVessels', () => {
  it('equals threshold, small-object removal, ball dilation and size filtering done step by step', () => {
    const rand = prng(83);
    for (let trial = 0; trial < 10; trial++) {
      const shape = randomShape(rand, [10, 11, 12]);
      const p = Float32Array.from({ length: shape[0] * shape[1] * shape[2] }, () => rand());
      const o = { threshold: 0.6 + 0.2 * rand(), smallObjects: Math.floor(rand() * 4), dilation: [1, 3, 4][trial % 3], minimumSize: Math.floor(rand() * 60) };
      const step1 = Uint8Array.from(p, (v) => (v >= o.threshold ? 1 : 0));
      const step2 = removeSmallObjects(step1, shape, o.smallObjects);
      const step3 = o.dilation > 1 ? binaryDilation(step2, shape, (o.dilation - 1) / 2) : step2;
      const want = removeSmallObjects(step3, shape, o.minimumSize);
      assert.deepEqual(segmentVessels(p, shape, o), want, `trial ${trial}`);
    }
  });
});
