import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { nativeKernels, useImagingKernels } from '@saber/imaging';
import { ToolInputError, ToolUsageError } from './cli/tool-errors';
import { printMetric, runTool, type ToolIo } from './cli/run-tool';
import { parseLabelMap, parseNumber, parseNumberList, parseRange, parseTriple } from './cli/parse-args';
import { asProbabilities, openInput, readInput, UINT8_PROBABILITY_SCALE, writeOutput } from './io/volume-io';
import { readPoints, writeDetections } from './io/points-io';

const dir = mkdtempSync(join(tmpdir(), 'toolkit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function collect(): ToolIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('toolkit: exit statuses and metric lines', () => {
  it('prints name: value lines and maps errors to exit statuses', async () => {
    const io = collect();
    printMetric(io, 'F1', 0.123456789);
    printMetric(io, 'cells', 12);
    assert.deepEqual(io.lines, ['F1: 0.123457', 'cells: 12']);
    assert.equal(await runTool(async () => {}, [], io), 0);
    assert.equal(await runTool(async () => Promise.reject(new ToolUsageError('bad flag')), [], io), 2);
    assert.equal(await runTool(async () => Promise.reject(new ToolInputError('bad input')), [], io), 1);
    assert.deepEqual(io.errors, ['error: bad flag', 'error: bad input']);
  });

  it('runs the tool with the imaging loops SABER_IMAGING_KERNELS names, and refuses an unknown kind with exit 2', async () => {
    const saved = process.env.SABER_IMAGING_KERNELS;
    after(() => {
      if (saved === undefined) delete process.env.SABER_IMAGING_KERNELS;
      else process.env.SABER_IMAGING_KERNELS = saved;
      useImagingKernels('auto');
    });
    const seen: string[] = [];
    const probe = async (): Promise<void> => void seen.push(nativeKernels() ? 'native' : 'js');
    for (const value of ['js', 'native', '', 'auto']) {
      process.env.SABER_IMAGING_KERNELS = value;
      assert.equal(await runTool(probe, [], collect()), 0);
    }
    assert.deepEqual(seen, ['js', 'native', 'native', 'native']);
    process.env.SABER_IMAGING_KERNELS = 'fast';
    const io = collect();
    assert.equal(await runTool(probe, [], io), 2);
    assert.deepEqual(io.errors, ['error: SABER_IMAGING_KERNELS must be one of auto, native, js, got "fast"']);
    assert.equal(seen.length, 4);
  });

  it('parses numbers, lists, triples, ranges and label maps with exact errors', () => {
    assert.equal(parseNumber('--x', '2', { integer: true, min: 1 }), 2);
    assert.throws(() => parseNumber('--x', '1.5', { integer: true }), new ToolUsageError('--x: expected an integer, got "1.5"'));
    assert.throws(() => parseNumber('--x', '-1', { min: 0 }), new ToolUsageError('--x: expected a number >= 0, got "-1"'));
    assert.deepEqual(parseNumberList('--s', '0.7, 1,1.6'), [0.7, 1, 1.6]);
    assert.deepEqual(parseTriple('--v', '4'), [4, 4, 4]);
    assert.deepEqual(parseTriple('--v', '40,4,4'), [40, 4, 4]);
    assert.throws(() => parseTriple('--v', '1,2'), ToolUsageError);
    assert.deepEqual(parseRange('--slices', '0:20'), { start: 0, stop: 20 });
    assert.deepEqual(parseRange('--slices', '20:'), { start: 20 });
    assert.throws(() => parseRange('--slices', '5:5'), ToolUsageError);
    assert.deepEqual([...parseLabelMap('--m', '0:1,255:2')], [[0, 1], [255, 2]]);
    assert.throws(() => parseLabelMap('--m', '0:0'), ToolUsageError);
  });
});

describe('toolkit: volumes and point lists', () => {
  it('reads a uint8 probability map as v / 255 in Float32, into a reused array, and leaves other arrays as they are', () => {
    const u8 = Uint8Array.from([0, 1, 102, 128, 254, 255]);
    const p = asProbabilities(u8);
    assert.ok(p instanceof Float32Array);
    assert.deepEqual([...p], [...u8].map((v) => Math.fround(v / 255)));
    assert.equal(UINT8_PROBABILITY_SCALE, 255);
    const into = new Float32Array(6);
    assert.equal(asProbabilities(u8, into), into);
    assert.notEqual(asProbabilities(u8, new Float32Array(5)), u8, 'an array of another length is not reused');
    const f = Float32Array.from([0.25, 0.5]);
    const u16 = Uint16Array.from([3, 400]);
    assert.equal(asProbabilities(f), f);
    assert.equal(asProbabilities(u16), u16);
  });

  it('writes a volume and reads it back by slab and by channel', async () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 * 5 }, (_, i) => i);
    await writeOutput(join(dir, 'c.npy'), data, [2, 3, 4, 5]);
    const ch1 = await openInput(join(dir, 'c.npy'), { channel: 1 });
    assert.deepEqual([ch1.shape, ch1.channels, ch1.channel], [[3, 4, 5], 2, 1]);
    assert.deepEqual(Array.from(await ch1.readSlab(1, 2)), Array.from(data.subarray(60 + 20, 60 + 40)));
    // Into a reused array when it fits (type and length), else into a new one.
    const reuse = new Float32Array(20).fill(-1);
    assert.equal(await ch1.readSlab(2, 3, reuse), reuse);
    assert.deepEqual(Array.from(reuse), Array.from(data.subarray(60 + 40, 60 + 60)));
    const longer = await ch1.readSlab(0, 2, reuse);
    assert.notEqual(longer, reuse);
    assert.deepEqual(Array.from(longer), Array.from(data.subarray(60, 60 + 40)));
    const wrongType = new Float64Array(20);
    const fresh = await ch1.readSlab(2, 3, wrongType);
    assert.ok(fresh instanceof Float32Array && fresh !== reuse, 'a Float64Array does not take float32 planes');
    assert.deepEqual(Array.from(wrongType), new Array(20).fill(0));
    await ch1.close();
    await assert.rejects(openInput(join(dir, 'c.npy')), new ToolInputError(`${join(dir, 'c.npy')}: has 2 channel(s); choose one with --channel`));
    await writeOutput(join(dir, 'l.npy'), BigUint64Array.of(0n, 1n, 2n, 2n), [1, 2, 2]);
    const { data: labels, shape } = await readInput(join(dir, 'l.npy'));
    assert.ok(labels instanceof Float64Array);
    assert.deepEqual([Array.from(labels), shape], [[0, 1, 2, 2], [1, 2, 2]]);
  });

  it('reads points from detection JSON, CSV and label volumes', async () => {
    await writeDetections(join(dir, 'd.json'), { detections: [{ z: 1, y: 2, x: 3, score: 0.5 }], shape: [4, 5, 6] });
    assert.deepEqual(await readPoints(join(dir, 'd.json')), { points: [{ z: 1, y: 2, x: 3, score: 0.5 }], shape: [4, 5, 6] });
    writeFileSync(join(dir, 'p.csv'), 'x,y,z\n3,2,1\n');
    assert.deepEqual((await readPoints(join(dir, 'p.csv'))).points.map((p) => [p.z, p.y, p.x]), [[1, 2, 3]]);
    const labels = new Uint32Array(8);
    labels[0] = 2;
    labels[7] = 2;
    await writeOutput(join(dir, 'cells.npy'), labels, [2, 2, 2]);
    const r = await readPoints(join(dir, 'cells.npy'));
    assert.deepEqual([r.points.map((p) => [p.z, p.y, p.x, p.label]), r.shape], [[[0.5, 0.5, 0.5, 2]], [2, 2, 2]]);
    writeFileSync(join(dir, 'bad.json'), '{"detections": [{"z": 1}]}');
    await assert.rejects(readPoints(join(dir, 'bad.json')), ToolInputError);
  });
});
