import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  BlockGrid, boxShape, cropBox, densityTable, labelDetections, ownedBy, parseSynapseGraphCsv, parseSynapseGraphGraphML, parseSynapseGraphJson,
  sortDetections, syntheticSegmentation, syntheticSynapses, synapseGraphFromEdges, tallyCore, tallyToJson, writeBlockVolume, type Box3,
} from '@saber/blockmerge';
import { InProcessBus, type BusMessage } from '@saber/bus';
import { Filters, MergeCompleted, MergeFailed, MergeRequested, type MergeCompleted as MergeCompletedT, type MergeFailed as MergeFailedT } from '@saber/contracts';
import { connectedComponents, labelComponents } from '@saber/imaging';
import { EventPublisher } from '@saber/runtime';
import { startTelemetry } from '@saber/telemetry';
import { openVolume } from '@saber/volume';
import { MergeService } from './merge.service';

const enc = new TextEncoder();
const SHAPE = [24, 40, 48] as const;
const WHOLE: Box3 = { start: [0, 0, 0], stop: SHAPE };

describe('MergeService (in-process bus)', () => {
  const bus = new InProcessBus();
  const events: Array<{ subject: string; body: Record<string, unknown> }> = [];
  const dir = mkdtempSync(join(tmpdir(), 'saber-merger-'));
  const grid = new BlockGrid({ bounds: WHOLE, size: [12, 20, 24], halo: [8, 8, 8] });
  const syn = syntheticSegmentation(SHAPE, { seed: 7, cells: 40, maxCellRadius: 3, neurites: 4 });
  const region = (z: number) => 1 + Math.floor(z / 8);
  const neurite = (l: LabelArrayLike, i: number, cellMask: Uint8Array) => (l[i] !== 0 && cellMask[i] === 0 ? 1 : 0);
  const blocks: MergeRequested['blocks'] = [];

  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 1500 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  const of = (subject: string, requestId: string) => events.filter((e) => e.subject === subject && e.body.requestId === requestId).map((e) => e.body);
  const request = (requestId: string, list = blocks, extra: Record<string, unknown> = {}) => ({
    requestId, sweepId: 'sw', group: 0, parameters: {}, volume: { shape: SHAPE, bounds: WHOLE }, blockSize: grid.size, halo: grid.halo, counts: grid.counts,
    blocks: list, requestedAt: new Date().toISOString(), ...extra,
  });
  const send = (body: unknown, msgId: string) => bus.publish(MergeRequested.subject, enc.encode(typeof body === 'string' ? body : JSON.stringify(body)), { msgId });

  before(async () => {
    startTelemetry({ serviceName: 'merger-spec', env: {} });
    await bus.start();
    await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'all' }, async (m) => {
      events.push({ subject: m.subject, body: m.json() });
    });
    const service = new MergeService(new EventPublisher(bus), { outputDir: join(dir, 'merge'), connectivity: 26 });
    await bus.consume({ stream: 'events', durable: 'merger-requests', filterSubject: MergeRequested.subject }, (m: BusMessage) => service.onMergeRequested(m));
    // What each block's run writes: labels over its halo region, cells (in halo coordinates), synapses, and a density tally of its core.
    for (let b = 0; b < grid.total; b++) {
      const block = grid.block(b);
      const hs = boxShape(block.halo);
      const labels = cropBox(syn.labels, WHOLE, block.halo);
      const seg = labelComponents(labels, hs, { connectivity: 6 }).labels;
      const segDir = join(dir, `b${b}`, 'seg.zarr');
      await writeBlockVolume(`zarr://${segDir}`, { box: block.halo, labels: seg });
      const cells = labelDetections(connectedComponents(cropBox(syn.cellMask, WHOLE, block.halo), hs, { connectivity: 26 }).labels, block.halo);
      const cellsFile = join(dir, `b${b}`, 'cells.json');
      writeFileSync(cellsFile, JSON.stringify({ frame: 'halo', detections: cells.map((c) => ({ ...c, z: c.z - block.halo.start[0], y: c.y - block.halo.start[1], x: c.x - block.halo.start[2] })) }));
      const synFile = join(dir, `b${b}`, 'synapses.csv');
      writeFileSync(synFile, ['z,y,x,pre,post', ...syntheticSynapses(seg, block.halo, SHAPE).map((s) => `${s.z},${s.y},${s.x},${s.pre},${s.post}`)].join('\n'));
      const core = cropBox(syn.labels, WHOLE, block.core);
      const coreCells = cropBox(syn.cellMask, WHOLE, block.core);
      const [CZ, CY, CX] = boxShape(block.core);
      const regions = new Uint8Array(core.length).map((_, i) => region(block.core.start[0] + Math.floor(i / (CY * CX))));
      const fg = new Uint8Array(core.length).map((_, i) => neurite(core, i, coreCells));
      assert.equal(fg.length, CZ * CY * CX);
      const densFile = join(dir, `b${b}`, 'density.json');
      writeFileSync(densFile, tallyToJson(tallyCore(block.core, { regions, foreground: fg, detections: ownedBy(grid, b, cells) })));
      blocks.push({
        ...block, position: [...block.position], core: { start: [...block.core.start], stop: [...block.core.stop] }, halo: { start: [...block.halo.start], stop: [...block.halo.stop] },
        runId: `sw.i${b}`,
        outputs: {
          seg: { class: 'Directory', location: pathToFileURL(segDir).href },
          cells: { class: 'File', location: pathToFileURL(cellsFile).href },
          synapses: { class: 'File', path: synFile },
          density: { class: 'File', location: pathToFileURL(densFile).href },
          log: 'done',
        },
      });
    }
  });
  after(async () => {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers merge.requested with merge.completed: the stitched volume, detections, synapse graph and densities equal the whole volume’s', async () => {
    await send(request('sw.m0'), 'sw.m0');
    await until(() => of(MergeCompleted.subject, 'sw.m0').length + of(MergeFailed.subject, 'sw.m0').length > 0, 'the merge');
    assert.deepEqual(of(MergeFailed.subject, 'sw.m0'), []);
    const done = MergeCompleted.parse(of(MergeCompleted.subject, 'sw.m0')[0]) as MergeCompletedT;
    assert.deepEqual(done.results.map((r) => [r.output, r.kind]), [['seg', 'segmentation'], ['cells', 'detections'], ['synapses', 'synapse-graph'], ['density', 'densities']]);
    assert.deepEqual(done.skipped, [{ output: 'log', reason: 'not a volume, JSON or CSV file (done)' }]);
    assert.equal(done.blocks, 8);
    const [seg, cells, synapses, density] = done.results;

    const whole = labelComponents(syn.labels, SHAPE, { connectivity: 6 });
    const out = await openVolume(seg!.uri);
    assert.deepEqual([out.dtype, [...out.shape]], ['uint32', [...SHAPE]]);
    assert.deepEqual(await out.read(), whole.labels, 'the stitched labels are the whole volume’s, ids and all');
    await out.close();
    const ng = await openVolume(seg!.files.precomputed!);
    assert.deepEqual(await ng.read(), whole.labels, 'the Neuroglancer precomputed copy holds the same labels');
    await ng.close();
    assert.equal(seg!.count, whole.count);
    assert.equal(seg!.details.match, 'overlap');

    const wholeCells = sortDetections(labelDetections(connectedComponents(syn.cellMask, SHAPE, { connectivity: 26 }).labels, WHOLE));
    const merged = JSON.parse(readFileSync(fileURLToPath(cells!.uri), 'utf8')).detections as typeof wholeCells;
    assert.equal(cells!.count, wholeCells.length);
    assert.deepEqual(merged.map((d) => [d.z, d.y, d.x, d.voxels]), wholeCells.map((d) => [d.z, d.y, d.x, d.voxels]));
    const csv = readFileSync(fileURLToPath(cells!.files.csv!), 'utf8').trimEnd().split('\n');
    assert.equal(csv[0]!.split(',').slice(0, 3).join(','), 'z,y,x');
    assert.deepEqual(csv.slice(1).map((row) => row.split(',').slice(0, 3).map(Number)), merged.map((d) => [d.z, d.y, d.x]));

    const expected = synapseGraphFromEdges(syntheticSynapses(whole.labels, WHOLE, SHAPE));
    assert.ok(expected.edges.length > 5 && expected.edges.some((e) => e.weight > 1), 'the fixture has edges and duplicates');
    for (const [format, parse] of [['json', parseSynapseGraphJson], ['graphml', parseSynapseGraphGraphML], ['csv', parseSynapseGraphCsv]] as const) {
      const g = parse(readFileSync(fileURLToPath(synapses!.files[format]!), 'utf8'));
      assert.deepEqual(g.edges, expected.edges, `${format} edges`);
      assert.deepEqual(g.nodes, expected.nodes, `${format} nodes`);
    }
    assert.deepEqual([synapses!.count, synapses!.details.synapses, synapses!.details.unassigned], [expected.edges.length, expected.synapses, 0]);

    const regions = new Uint8Array(whole.labels.length).map((_, i) => region(Math.floor(i / (SHAPE[1] * SHAPE[2]))));
    const fg = new Uint8Array(whole.labels.length).map((_, i) => neurite(syn.labels, i, syn.cellMask));
    const table = densityTable(tallyCore(WHOLE, { regions, foreground: fg, detections: wholeCells }));
    assert.deepEqual(JSON.parse(readFileSync(fileURLToPath(density!.uri), 'utf8')).regions, table);
    assert.equal(density!.count, 3);
  });

  it('refuses an incomplete request with merge.failed (incomplete-blocks) and reads nothing', async () => {
    await send(request('sw.m1', blocks.filter((b) => b.index !== 3), { group: 1 }), 'sw.m1');
    await until(() => of(MergeFailed.subject, 'sw.m1').length > 0, 'merge.failed');
    const f = of(MergeFailed.subject, 'sw.m1')[0] as MergeFailedT;
    assert.deepEqual([f.reason, f.retryable, f.sweepId, f.group], ['incomplete-blocks', false, 'sw', 1]);
    assert.equal(f.message, 'sw.m1: the sweep\'s blocks are incomplete: missing blocks: 1 of 8 (3)');
    assert.deepEqual(of(MergeCompleted.subject, 'sw.m1'), []);

    const moved = blocks.map((b) => (b.index === 5 ? { ...b, core: { start: b.core.start, stop: [b.core.stop[0], b.core.stop[1], b.core.stop[2] - 1] as [number, number, number] } } : b));
    await send(request('sw.m2', moved), 'sw.m2');
    await until(() => of(MergeFailed.subject, 'sw.m2').length > 0, 'merge.failed');
    assert.deepEqual((of(MergeFailed.subject, 'sw.m2')[0] as MergeFailedT).details, ['block 5: core [12, 0, 24]-[24, 20, 47], expected [12, 0, 24]-[24, 20, 48]']);

    const noOutput = blocks.map((b) => (b.index === 6 ? { ...b, outputs: { ...b.outputs, cells: null } } : b));
    await send(request('sw.m3', noOutput), 'sw.m3');
    await until(() => of(MergeFailed.subject, 'sw.m3').length > 0, 'merge.failed');
    assert.deepEqual((of(MergeFailed.subject, 'sw.m3')[0] as MergeFailedT).details, ['block 6: output "cells" is missing (run sw.i6)']);
  });

  it('refuses a merge whose block result does not cover its halo region or core, or is gone (incomplete-blocks), before merging anything', async () => {
    const small = join(dir, 'small.zarr');
    await writeBlockVolume(`zarr://${small}`, { box: { start: [0, 0, 0], stop: [4, 4, 4] }, labels: new Uint32Array(64) });
    const wrong = blocks.map((b) => ({ ...b, outputs: { seg: b.index === 2 ? { class: 'Directory', path: small } : b.outputs.seg } }));
    await send(request('sw.m4', wrong), 'sw.m4');
    await until(() => of(MergeFailed.subject, 'sw.m4').length > 0, 'merge.failed');
    const f = of(MergeFailed.subject, 'sw.m4')[0] as MergeFailedT;
    assert.equal(f.reason, 'incomplete-blocks');
    assert.equal(f.message, "the blocks' results are incomplete: block 2: output \"seg\" has shape (4, 4, 4); expected its halo region [0, 12, 0]-[20, 40, 32] or its core [0, 20, 0]-[12, 40, 24]");
    assert.deepEqual(of(MergeCompleted.subject, 'sw.m4'), []);

    const gone = blocks.map((b) => (b.index === 7 ? { ...b, outputs: { ...b.outputs, density: { class: 'File', path: join(dir, 'gone.json') } } } : b));
    await send(request('sw.m5', gone), 'sw.m5');
    await until(() => of(MergeFailed.subject, 'sw.m5').length > 0, 'merge.failed');
    assert.deepEqual((of(MergeFailed.subject, 'sw.m5')[0] as MergeFailedT).details, [`block 7: output "density": ${join(dir, 'gone.json')} does not exist`]);
  });

  it('reads the blocks from blocksFile when the blocker wrote them to a file, and refuses a bad one', async () => {
    const file = join(dir, 'm6.blocks.json');
    writeFileSync(file, JSON.stringify(blocks));
    await send(request('sw.m6', [], { blocksFile: pathToFileURL(file).href }), 'sw.m6');
    await until(() => of(MergeCompleted.subject, 'sw.m6').length + of(MergeFailed.subject, 'sw.m6').length > 0, 'the merge');
    const done = of(MergeCompleted.subject, 'sw.m6')[0] as MergeCompletedT;
    assert.deepEqual([done.blocks, done.results.map((r) => r.output)], [8, ['seg', 'cells', 'synapses', 'density']]);

    writeFileSync(join(dir, 'm7.blocks.json'), JSON.stringify([{ index: 0 }]));
    await send(request('sw.m7', [], { blocksFile: pathToFileURL(join(dir, 'm7.blocks.json')).href }), 'sw.m7');
    await send(request('sw.m8', [], { blocksFile: pathToFileURL(join(dir, 'none.json')).href }), 'sw.m8');
    await send(request('sw.m9', blocks, { blocksFile: pathToFileURL(file).href }), 'sw.m9');
    await until(() => ['sw.m7', 'sw.m8', 'sw.m9'].every((id) => of(MergeFailed.subject, id).length > 0), 'three merge.failed');
    const [m7, m8, m9] = ['sw.m7', 'sw.m8', 'sw.m9'].map((id) => of(MergeFailed.subject, id)[0] as MergeFailedT);
    assert.deepEqual([m7!.reason, m7!.retryable], ['invalid-request', false]);
    assert.match(m7!.message, /^the blocks file file:\/\/.*m7\.blocks\.json does not hold merge blocks: 0\.position: /);
    assert.deepEqual([m8!.reason, m8!.retryable], ['unreadable-output', true]);
    assert.match(m8!.message, /^cannot read the blocks file file:\/\/.*none\.json: ENOENT/);
    assert.equal(m9!.reason, 'invalid-request');
    assert.match(m9!.message, /blocks: give the blocks inline \(blocks\) or in a file \(blocksFile\), not both or neither/);
  });

  it('answers a malformed request with merge.failed (invalid-request)', async () => {
    await send('{"requestId": "bad.m0", "sweepId": 3}', 'bad.m0');
    await send('not json', 'worse.m0');
    await until(() => of(MergeFailed.subject, 'bad.m0').length + of(MergeFailed.subject, 'worse.m0').length === 2, 'two merge.failed');
    const bad = of(MergeFailed.subject, 'bad.m0')[0] as MergeFailedT;
    assert.deepEqual([bad.reason, bad.retryable], ['invalid-request', false]);
    assert.match(bad.message, /^merge request does not match merge.requested\/v1: /);
    assert.equal((of(MergeFailed.subject, 'worse.m0')[0] as MergeFailedT).reason, 'invalid-request');
  });
});

type LabelArrayLike = ArrayLike<number>;
