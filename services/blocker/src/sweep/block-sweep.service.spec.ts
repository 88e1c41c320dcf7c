import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InProcessBus, type BusMessage } from '@saber/bus';
import { loadConfig } from '@saber/config';
import {
  Filters, MergeRequested, RunCompleted, RunFailed, RunRejected, RunRequested, SweepAccepted, SweepCompleted, SweepFailed, SweepProgress, SweepRejected,
  SweepRequested,
} from '@saber/contracts';
import { EventPublisher } from '@saber/runtime';
import { startTelemetry } from '@saber/telemetry';
import { BlockSweepService } from './block-sweep.service';
import { SweepIntake } from './sweep-intake';
import { SweepStore } from './sweep-store';

const BLOCK_TOOL = resolve(__dirname, '../../../../test/workflows/block-bounds.cwl');
const enc = new TextEncoder();

/** A 1 × 2 × 3 block grid over (1, 20, 30) with a (0, 2, 2) halo: 6 blocks. */
const GRID = { bounds: { start: [0, 0, 0], stop: [1, 20, 30] }, size: [1, 10, 10], halo: [0, 2, 2] };

describe('BlockSweepService (in-process bus)', () => {
  const bus = new InProcessBus();
  const events: Array<{ subject: string; body: Record<string, unknown> }> = [];
  const config = loadConfig({ SABER_HOME: '/tmp/saber-blocker-spec' });
  const subs: Array<{ stop(): Promise<void> }> = [];

  /** Starts a blocker (a fresh one after a simulated restart: same bus and KV, no memory). */
  const startBlocker = async () => {
    const s = new BlockSweepService(new SweepStore(bus), new EventPublisher(bus), new SweepIntake(), config);
    subs.push(await bus.consume({ stream: 'events', durable: 'blocker-requests', filterSubject: SweepRequested.subject }, (m: BusMessage) => s.onSweepRequested(m)));
    subs.push(await bus.consume({ stream: 'events', durable: 'blocker-runs', filterSubject: Filters.runEvents, concurrency: 8 }, (m: BusMessage) => s.onRunEvent(m)));
    return s;
  };

  before(async () => {
    startTelemetry({ serviceName: 'blocker-spec', env: {} });
    await bus.start();
    await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'all' }, async (m) => {
      try {
        events.push({ subject: m.subject, body: m.json() });
      } catch {
        events.push({ subject: m.subject, body: { malformed: true } });
      }
    });
    await startBlocker();
  });
  after(() => bus.close());

  const until = async (pred: () => boolean, what: string) => {
    for (let i = 0; i < 300 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(pred(), `timed out waiting for ${what}`);
  };
  const of = (subject: string, pred: (b: Record<string, unknown>) => boolean = () => true) => events.filter((e) => e.subject === subject && pred(e.body)).map((e) => e.body);
  const requested = (sweepId: string) => of(RunRequested.subject, (b) => String(b.requestId).startsWith(`${sweepId}.`));
  const sweep = (requestId: string, extra: Record<string, unknown> = {}, msgId = requestId) =>
    bus.publish(
      SweepRequested.subject,
      enc.encode(JSON.stringify({ requestId, workflow: { path: BLOCK_TOOL }, inputs: { tag: 'T' }, parameterization: { inline: '', name: 'sweep.yml' }, block: GRID, ...extra })),
      { msgId },
    );
  const complete = (runId: string, outputs: Record<string, unknown> = { out: runId }, msgId = `${runId}:completed`) =>
    bus.publish(
      RunCompleted.subject,
      enc.encode(JSON.stringify(RunCompleted.parse({ runId, outputs, artifacts: [], metrics: {}, costSeconds: 1, completedAt: new Date().toISOString() }))),
      { msgId },
    );
  const fail = (runId: string, reason = 'tool-exit') =>
    bus.publish(
      RunFailed.subject,
      enc.encode(JSON.stringify(RunFailed.parse({ runId, reason, message: `step main failed (${reason}, exit code 1): boom`, failedStep: 'main', stderrTail: 'disk on fire\n', failedAt: new Date().toISOString() }))),
      { msgId: `${runId}:failed` },
    );

  it('publishes one run.requested per block, bounded in flight; retries a failed block; completes and requests the merge exactly once', async () => {
    await sweep('sw1', { policy: { maxInFlight: 4, maxAttempts: 2 } });
    await until(() => requested('sw1').length === 4, '4 child runs');
    const accepted = of(SweepAccepted.subject, (b) => b.sweepId === 'sw1');
    assert.equal(accepted.length, 1);
    assert.deepEqual(
      { total: accepted[0]!.total, blocks: accepted[0]!.blocks, groups: accepted[0]!.groups, policy: accepted[0]!.policy, geometry: accepted[0]!.geometry },
      {
        total: 6, blocks: 6, groups: 1, policy: { maxAttempts: 2, maxInFlight: 4, failFast: false },
        geometry: { source: 'block-section', shape: [1, 20, 30], bounds: GRID.bounds, blockSize: [1, 10, 10], halo: [0, 2, 2], counts: [1, 2, 3] },
      },
    );
    const first = requested('sw1');
    assert.deepEqual(first.map((r) => r.requestId), ['sw1.i0', 'sw1.i1', 'sw1.i2', 'sw1.i3']);
    assert.deepEqual(first[3], {
      requestId: 'sw1.i3',
      workflow: { path: BLOCK_TOOL },
      inputs: { tag: 'T', zmin: 0, zmax: 1, ymin: 10, ymax: 20, xmin: 0, xmax: 10 },
      labels: { sweepId: 'sw1', iteration: '3', attempt: '1', blockIndex: '3' },
    });

    await complete('sw1.i0');
    await complete('sw1.i0', { out: 'again' }, 'sw1.i0:replayed'); // a duplicate past the dedupe window changes nothing
    await until(() => requested('sw1').length === 5, 'the 5th child run');
    assert.equal(requested('sw1')[4]!.requestId, 'sw1.i4');

    await fail('sw1.i1');
    await until(() => requested('sw1').some((r) => r.requestId === 'sw1.i1.a2'), 'the retry of block 1');
    assert.deepEqual(requested('sw1').find((r) => r.requestId === 'sw1.i1.a2')!.labels, { sweepId: 'sw1', iteration: '1', attempt: '2', blockIndex: '1' });
    assert.equal(requested('sw1').length, 6, 'the retry takes the free slot: still 4 in flight');
    assert.ok(of(SweepProgress.subject, (b) => b.sweepId === 'sw1').some((p) => p.done === 1 && p.retries === 1 && p.running === 4));
    assert.equal(of(MergeRequested.subject, (b) => b.sweepId === 'sw1').length, 0, 'no merge while blocks are missing');

    for (const id of ['sw1.i2', 'sw1.i3', 'sw1.i4']) await complete(id);
    await until(() => requested('sw1').length === 7, 'the last block');
    await complete('sw1.i5');
    await complete('sw1.i1'); // the failed first attempt of block 1 cannot complete it
    assert.equal(of(SweepCompleted.subject, (b) => b.sweepId === 'sw1').length, 0);
    await complete('sw1.i1.a2', { out: 'retried' });
    await until(() => of(SweepCompleted.subject, (b) => b.sweepId === 'sw1').length === 1, 'sweep.completed');
    await complete('sw1.i1.a2', { out: 'late' }, 'sw1.i1.a2:late'); // a late duplicate after the end
    await new Promise((r) => setTimeout(r, 50));

    const [done] = of(SweepCompleted.subject, (b) => b.sweepId === 'sw1') as Array<SweepCompleted>;
    assert.equal(of(SweepCompleted.subject, (b) => b.sweepId === 'sw1').length, 1);
    assert.deepEqual(done!.iterations.map((i) => [i.index, i.runId, i.attempts, i.block?.index, i.group]), [
      [0, 'sw1.i0', 1, 0, 0], [1, 'sw1.i1.a2', 2, 1, 0], [2, 'sw1.i2', 1, 2, 0], [3, 'sw1.i3', 1, 3, 0], [4, 'sw1.i4', 1, 4, 0], [5, 'sw1.i5', 1, 5, 0],
    ]);
    assert.deepEqual(done!.iterations[1]!.outputs, { out: 'retried' });
    assert.deepEqual(done!.iterations[4]!.parameters, { zmin: 0, zmax: 1, ymin: 10, ymax: 20, xmin: 10, xmax: 20 });
    assert.deepEqual(done!.iterations[4]!.block, { index: 4, position: [0, 1, 1], core: { start: [0, 10, 10], stop: [1, 20, 20] }, halo: { start: [0, 8, 8], stop: [1, 20, 22] } });
    assert.equal(done!.costSeconds, 6);
    assert.deepEqual(done!.merges, ['sw1.m0']);

    const merges = of(MergeRequested.subject, (b) => b.sweepId === 'sw1') as Array<MergeRequested>;
    assert.equal(merges.length, 1);
    assert.deepEqual({ ...merges[0]!, blocks: merges[0]!.blocks.length, requestedAt: 'x' }, {
      requestId: 'sw1.m0', sweepId: 'sw1', group: 0, parameters: {},
      volume: { shape: [1, 20, 30], bounds: GRID.bounds }, blockSize: [1, 10, 10], halo: [0, 2, 2], counts: [1, 2, 3], blocks: 6, requestedAt: 'x',
    });
    assert.deepEqual(merges[0]!.blocks[1], { index: 1, position: [0, 0, 1], core: { start: [0, 0, 10], stop: [1, 10, 20] }, halo: { start: [0, 0, 8], stop: [1, 12, 22] }, runId: 'sw1.i1.a2', outputs: { out: 'retried' } });
    assert.equal(requested('sw1').length, 7, 'six blocks and one retry, nothing more');
    const last = of(SweepProgress.subject, (b) => b.sweepId === 'sw1').at(-1)!;
    assert.deepEqual([last.done, last.failed, last.running, last.retries], [6, 0, 0, 1]);
  });

  it('fails the sweep when a block exhausts its attempts, and never requests the merge', async () => {
    await sweep('sw2', { policy: { maxInFlight: 10, maxAttempts: 2 } });
    await until(() => requested('sw2').length === 6, '6 child runs');
    await fail('sw2.i2');
    await until(() => requested('sw2').some((r) => r.requestId === 'sw2.i2.a2'), 'the retry');
    await fail('sw2.i2.a2');
    for (const i of [0, 1, 3, 4]) await complete(`sw2.i${i}`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(of(SweepFailed.subject, (b) => b.sweepId === 'sw2').length, 0, 'not before every block has ended');
    await complete('sw2.i5');
    await until(() => of(SweepFailed.subject, (b) => b.sweepId === 'sw2').length === 1, 'sweep.failed');
    const [failed] = of(SweepFailed.subject, (b) => b.sweepId === 'sw2') as Array<SweepFailed>;
    assert.equal(failed!.done, 5);
    assert.equal(failed!.notStarted, 0);
    assert.deepEqual(failed!.failures.map((f) => [f.index, f.runId, f.attempts, f.reason, f.block?.index]), [[2, 'sw2.i2.a2', 2, 'tool-exit', 2]]);
    assert.equal(failed!.failures[0]!.message, 'step main failed (tool-exit, exit code 1): boom\ndisk on fire');
    assert.equal(failed!.message, '1 of 6 iterations failed for good; iteration 2 (block 2), run sw2.i2.a2 after 2 attempt(s): step main failed (tool-exit, exit code 1): boom');
    assert.equal(of(MergeRequested.subject, (b) => b.sweepId === 'sw2').length, 0);
    assert.equal(of(SweepCompleted.subject, (b) => b.sweepId === 'sw2').length, 0);
  });

  it('does not retry a permanent failure or a rejected child run; failFast stops starting blocks', async () => {
    await sweep('sw3', { policy: { maxInFlight: 2, maxAttempts: 3, failFast: true } });
    await until(() => requested('sw3').length === 2, '2 child runs');
    await fail('sw3.i0', 'bad-input');
    const rejected = RunRejected.parse({ requestId: 'sw3.i1', reason: 'invalid-inputs', message: 'input "xmin" must be int', details: [], rejectedAt: new Date().toISOString() });
    await bus.publish(RunRejected.subject, enc.encode(JSON.stringify(rejected)), { msgId: 'sw3.i1:rejected' });
    await until(() => of(SweepFailed.subject, (b) => b.sweepId === 'sw3').length === 1, 'sweep.failed');
    const [failed] = of(SweepFailed.subject, (b) => b.sweepId === 'sw3') as Array<SweepFailed>;
    assert.deepEqual(failed!.failures.map((f) => [f.runId, f.attempts, f.reason]), [['sw3.i0', 1, 'bad-input'], ['sw3.i1', 1, 'rejected:invalid-inputs']]);
    assert.equal(failed!.notStarted, 4);
    assert.deepEqual(requested('sw3').map((r) => r.requestId), ['sw3.i0', 'sw3.i1']);
  });

  it('continues a sweep after a restart of the blocker, and treats a replayed request as the same sweep', async () => {
    await sweep('sw4', { policy: { maxInFlight: 3 } });
    await until(() => requested('sw4').length === 3, '3 child runs');
    // Restart: stop the consumers of the first blocker, start a new one with empty memory.
    await Promise.all(subs.splice(0).map((s) => s.stop()));
    await startBlocker();
    await sweep('sw4', { policy: { maxInFlight: 3 } }, 'sw4-replayed');
    await until(() => of(SweepAccepted.subject, (b) => b.sweepId === 'sw4').length >= 1, 'accepted');
    for (const i of [0, 1, 2]) await complete(`sw4.i${i}`);
    await until(() => requested('sw4').length === 6, 'the other 3 child runs');
    for (const i of [3, 4, 5]) await complete(`sw4.i${i}`);
    await until(() => of(SweepCompleted.subject, (b) => b.sweepId === 'sw4').length === 1, 'sweep.completed');
    assert.equal(of(SweepAccepted.subject, (b) => b.sweepId === 'sw4').length, 1, 'the replay republished accepted under the same dedupe id');
    assert.deepEqual(requested('sw4').map((r) => r.requestId), ['sw4.i0', 'sw4.i1', 'sw4.i2', 'sw4.i3', 'sw4.i4', 'sw4.i5']);
    assert.equal(of(MergeRequested.subject, (b) => b.sweepId === 'sw4').length, 1);
  });

  it('cuts the volume a block section names, by its shape', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'saber-blocker-volume-'));
    const volume = join(dir, 'v.npy');
    const { createVolume } = await import('@saber/volume'); // loaded lazily, as the blocker does
    await (await createVolume(volume, { shape: [2, 20, 30], dtype: 'uint8' })).close();
    await sweep('vol-1', { block: { volume, size: [2, 10, 16], halo: [1, 1, 1] }, policy: { maxInFlight: 1 } });
    await sweep('vol-missing', { block: { volume: join(dir, 'missing.npy'), size: [8, 8, 8] } });
    await until(() => of(SweepAccepted.subject, (b) => b.sweepId === 'vol-1').length === 1 && of(SweepRejected.subject, (b) => b.requestId === 'vol-missing').length === 1, 'accepted and rejected');
    const accepted = of(SweepAccepted.subject, (b) => b.sweepId === 'vol-1')[0]! as SweepAccepted;
    assert.deepEqual(accepted.geometry, { source: 'block-section', volume, shape: [2, 20, 30], bounds: { start: [0, 0, 0], stop: [2, 20, 30] }, blockSize: [2, 10, 16], halo: [1, 1, 1], counts: [1, 2, 2] });
    assert.deepEqual(requested('vol-1')[0]!.inputs, { tag: 'T', zmin: 0, zmax: 2, ymin: 0, ymax: 10, xmin: 0, xmax: 16 });
    const rejected = of(SweepRejected.subject, (b) => b.requestId === 'vol-missing')[0]!;
    assert.equal(rejected.reason, 'volume-unreadable');
    assert.match(String(rejected.message), /^cannot read the shape of block\.volume: /);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects invalid sweeps with the reason and every problem', async () => {
    const before = of(SweepRejected.subject).length;
    await sweep('bad-yaml', { parameterization: { inline: 'x:\n  range: [1, 2\n  parameters: {abs: a}\n', name: 'sweep.yml' } });
    await sweep('bad-step', { parameterization: { inline: 't: {range: {start: 0, stop: 5, step: 0}, parameters: {abs: tag}}' } });
    await sweep('bad-input', { parameterization: { inline: 't: {range: [0.5], parameters: {abs: xmin}}' }, block: undefined });
    await sweep('bad-halo', { block: { ...GRID, halo: [0, -1, 2] } });
    await sweep('no-workflow', { workflow: { path: '/nonexistent/flow.cwl' } });
    await bus.publish(SweepRequested.subject, enc.encode('{"requestId": "bad-json", '), { msgId: 'bad-json' });
    await until(() => of(SweepRejected.subject).length >= before + 6, '6 rejections');
    const r = (id: string) => of(SweepRejected.subject, (b) => b.requestId === id)[0]!;
    assert.deepEqual([r('bad-yaml').reason, r('bad-yaml').details], ['invalid-sweep', ['sweep.yml:3:3: missed comma between flow collection entries']]);
    assert.deepEqual([r('bad-step').reason, r('bad-step').details], ['invalid-sweep', ['t.range.step: must be greater than 0, got 0']]);
    assert.deepEqual([r('bad-input').reason, r('bad-input').details], ['invalid-sweep', ["t.range: value 0.5 does not fit workflow input 'xmin' (int)"]]);
    assert.equal(r('bad-halo').reason, 'invalid-request');
    assert.deepEqual(r('bad-halo').details, ['block.halo.1: Too small: expected number to be >=0']);
    assert.equal(r('no-workflow').reason, 'workflow-not-found');
    assert.equal(r('bad-json').reason, 'malformed-message');
    assert.equal(requested('bad-').length + requested('no-workflow').length, 0);
  });
});

describe('BlockSweepService: a result larger than the NATS payload limit', () => {
  it('ends the sweep with sweep.failed naming max_payload instead of retrying the publish forever', async () => {
    const bus = new InProcessBus();
    await bus.start();
    /** A publisher whose server refuses sweep.completed, as nats.js does past max_payload. */
    class LimitedPublisher extends EventPublisher {
      override publish: EventPublisher['publish'] = async (contract, payload, options) => {
        if (contract.name === SweepCompleted.name) throw new Error("'payload' max_payload size exceeded");
        return super.publish(contract, payload, options);
      };
    }
    const s = new BlockSweepService(new SweepStore(bus), new LimitedPublisher(bus), new SweepIntake(), loadConfig({ SABER_HOME: '/tmp/saber-blocker-spec' }));
    const events: Array<{ subject: string; body: Record<string, unknown> }> = [];
    await bus.consume({ stream: 'events', filterSubject: Filters.allEvents, deliver: 'all' }, async (m) => void events.push({ subject: m.subject, body: m.json() }));
    await bus.consume({ stream: 'events', durable: 'blocker-requests', filterSubject: SweepRequested.subject }, (m: BusMessage) => s.onSweepRequested(m));
    await bus.consume({ stream: 'events', durable: 'blocker-runs', filterSubject: Filters.runEvents }, (m: BusMessage) => s.onRunEvent(m));
    const request = { requestId: 'big', workflow: { path: BLOCK_TOOL }, parameterization: { inline: '' }, block: { bounds: { stop: [1, 10, 20] }, size: [1, 10, 10] } };
    await bus.publish(SweepRequested.subject, enc.encode(JSON.stringify(request)), { msgId: 'big' });
    for (const id of ['big.i0', 'big.i1']) {
      for (let i = 0; i < 200 && !events.some((e) => e.subject === RunRequested.subject && e.body.requestId === id); i++) await new Promise((r) => setTimeout(r, 10));
      const done = RunCompleted.parse({ runId: id, outputs: {}, artifacts: [], metrics: {}, costSeconds: 0, completedAt: new Date().toISOString() });
      await bus.publish(RunCompleted.subject, enc.encode(JSON.stringify(done)), { msgId: `${id}:completed` });
    }
    for (let i = 0; i < 200 && !events.some((e) => e.subject === SweepFailed.subject); i++) await new Promise((r) => setTimeout(r, 10));
    const failed = events.filter((e) => e.subject === SweepFailed.subject).map((e) => e.body);
    assert.equal(failed.length, 1);
    assert.deepEqual([failed[0]!.done, failed[0]!.failures], [2, []]);
    assert.match(String(failed[0]!.message), /^every block succeeded, but the sweep result \(2 iterations with their outputs\) is larger than the NATS server's max_payload/);
    // The merge was requested before the result was refused; the blocker's state says failed, so nothing is retried.
    assert.equal((await new SweepStore(bus).get('big'))?.record.status, 'failed');
    await bus.close();
  });
});
