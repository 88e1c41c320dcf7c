import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Connectivity, Shape3 } from '../core/volume.types';
import { ImagingOptionError, ImagingShapeError } from '../errors/imaging-errors';
import { bruteLabel } from '../testing/brute-force';
import { at, prng, randomLabels, randomMask, randomShape } from '../testing/fixtures';
import { connectedComponents, countComponents, labelComponents } from './connected-components';

const CONNECTIVITIES: Connectivity[] = [6, 18, 26];

describe('connectedComponents (binary mask)', () => {
  it('equals breadth-first labelling in raster order on 300 random volumes (6/18/26)', () => {
    const rand = prng(11);
    for (let trial = 0; trial < 300; trial++) {
      const shape = randomShape(rand, [6, 7, 8]);
      const mask = randomMask(rand, shape, 0.2 + 0.6 * rand());
      const conn = CONNECTIVITIES[trial % 3];
      const got = connectedComponents(mask, shape, { connectivity: conn });
      const want = bruteLabel(mask, shape, conn, false, (v) => v !== 0);
      assert.equal(got.count, want.count, `trial ${trial}`);
      assert.deepEqual(Array.from(got.labels), want.labels, `trial ${trial}`);
      assert.equal(countComponents(mask, shape, { connectivity: conn }), want.count, `trial ${trial} count`);
    }
    assert.throws(() => countComponents(new Uint8Array(7), [2, 2, 2]), ImagingShapeError);
  });

  it('tells 6, 18 and 26 connectivity apart on face, edge and corner neighbours', () => {
    const shape: Shape3 = [2, 2, 2];
    const edge = new Uint8Array(8);
    edge[at(shape, 0, 0, 0)] = 1;
    edge[at(shape, 0, 1, 1)] = 1;
    const corner = new Uint8Array(8);
    corner[at(shape, 0, 0, 0)] = 1;
    corner[at(shape, 1, 1, 1)] = 1;
    assert.deepEqual([6, 18, 26].map((c) => connectedComponents(edge, shape, { connectivity: c as Connectivity }).count), [2, 1, 1]);
    assert.deepEqual([6, 18, 26].map((c) => connectedComponents(corner, shape, { connectivity: c as Connectivity }).count), [2, 2, 1]);
  });

  it('numbers components by their first voxel in raster order, also when a later pass merges them', () => {
    // A U shape: the arms start apart (provisional labels 1, 2) and join in the bottom row;
    // the lone voxel at (1, 5) is seen later and becomes 2.
    const shape: Shape3 = [1, 3, 6];
    const mask = Uint8Array.from([0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0]);
    const r = connectedComponents(mask, shape, { connectivity: 6 });
    assert.equal(r.count, 2);
    assert.deepEqual(Array.from(r.labels), [0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 2, 0, 1, 1, 1, 0, 0]);
  });

  it('writes into a given output array (zeroing its background) and checks its length', () => {
    const rand = prng(12);
    const shape: Shape3 = [5, 6, 7];
    const mask = randomMask(rand, shape, 0.5);
    const out = new Uint32Array(210).fill(99);
    const r = connectedComponents(mask, shape, { out });
    assert.equal(r.labels, out);
    assert.deepEqual(r, connectedComponents(mask, shape));
    assert.throws(() => connectedComponents(mask, shape, { out: new Uint32Array(3) }), ImagingShapeError);
  });

  it('handles the empty volume, a single voxel, all foreground and all background', () => {
    assert.deepEqual(connectedComponents(new Uint8Array(0), [0, 4, 4]), { labels: new Uint32Array(0), count: 0 });
    assert.deepEqual(connectedComponents(Uint8Array.of(1), [1, 1, 1]), { labels: Uint32Array.of(1), count: 1 });
    assert.deepEqual(connectedComponents(Uint8Array.of(0), [1, 1, 1]), { labels: Uint32Array.of(0), count: 0 });
    for (const conn of CONNECTIVITIES) {
      const all = connectedComponents(new Uint8Array(60).fill(7), [3, 4, 5], { connectivity: conn });
      assert.equal(all.count, 1);
      assert.ok(all.labels.every((l) => l === 1));
    }
    assert.equal(connectedComponents(new Float32Array(60), [3, 4, 5]).count, 0);
  });

  it('grows its provisional-label table past the initial capacity (checkerboard, 6-connected)', () => {
    const shape: Shape3 = [8, 16, 16];
    const mask = new Uint8Array(8 * 16 * 16);
    for (let z = 0; z < 8; z++) for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) mask[at(shape, z, y, x)] = (z + y + x) % 2;
    const r = connectedComponents(mask, shape, { connectivity: 6 });
    assert.equal(r.count, 1024);
    assert.equal(connectedComponents(mask, shape, { connectivity: 18 }).count, 1);
  });

  it('rejects a wrong length, a bad shape and an unknown connectivity with exact messages', () => {
    assert.throws(() => connectedComponents(new Uint8Array(5), [1, 2, 3]), new ImagingShapeError('labels has 5 values, shape (1, 2, 3) needs 6'));
    assert.throws(() => connectedComponents(new Uint8Array(0), [1, 2] as unknown as Shape3), ImagingShapeError);
    assert.throws(() => connectedComponents(new Uint8Array(1), [1, 1, 1], { connectivity: 8 as Connectivity }), new ImagingOptionError('connectivity must be one of 6, 18, 26, got 8'));
  });
});

describe('labelComponents (label volume)', () => {
  it('equals breadth-first "same label and adjacent" labelling on 300 random label volumes', () => {
    const rand = prng(12);
    for (let trial = 0; trial < 300; trial++) {
      const shape = randomShape(rand, [6, 7, 8]);
      const labels = randomLabels(rand, shape, 1 + Math.floor(rand() * 4));
      const conn = CONNECTIVITIES[trial % 3];
      const got = labelComponents(labels, shape, { connectivity: conn });
      const want = bruteLabel(labels, shape, conn, true, (v) => v !== 0);
      assert.equal(got.count, want.count, `trial ${trial}`);
      assert.deepEqual(Array.from(got.labels), want.labels, `trial ${trial}`);
      const all = labelComponents(labels, shape, { connectivity: conn, background: null });
      assert.deepEqual(Array.from(all.labels), bruteLabel(labels, shape, conn, true, () => true).labels, `trial ${trial} (no background)`);
    }
  });

  it('splits one label into its pieces and keeps touching labels apart', () => {
    const labels = Uint32Array.from([5, 5, 0, 5, 7, 7, 5, 5]);
    const r = labelComponents(labels, [1, 1, 8], { connectivity: 6 });
    assert.deepEqual(Array.from(r.labels), [1, 1, 0, 2, 3, 3, 4, 4]);
    assert.equal(r.count, 4);
  });

  it('works on 64-bit labels beyond 2^53 and with another background value', () => {
    const big = 2n ** 60n;
    const labels = BigUint64Array.from([big, big, big + 1n, 0n, big + 1n]);
    assert.deepEqual(Array.from(labelComponents(labels, [1, 1, 5]).labels), [1, 1, 2, 0, 3]);
    assert.deepEqual(Array.from(labelComponents(labels, [1, 1, 5], { background: big }).labels), [0, 0, 1, 2, 3]);
    assert.deepEqual(Array.from(connectedComponents(labels, [1, 1, 5]).labels), [1, 1, 1, 0, 2]);
  });
});
