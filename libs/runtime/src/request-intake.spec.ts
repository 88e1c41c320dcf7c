import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { MSG_ID_HEADER, type BusMessage } from '@saber/bus';
import { SweepRejected, SweepRequested } from '@saber/contracts';
import type { EventPublisher } from './event-publisher';
import { readRequestFile, RequestRejection, requestVolumeShape, takeRequest } from './request-intake';

function message(text: string, headers: Record<string, string> = {}): BusMessage {
  const data = new TextEncoder().encode(text);
  return {
    subject: SweepRequested.subject, data, headers, seq: 42, deliveryCount: 1,
    json: <T>() => JSON.parse(text) as T,
    ack: async () => {}, nak: () => {}, term: () => {}, working: () => {},
  };
}

function intake(accept: (r: SweepRequested) => Promise<void>) {
  const published: Array<{ subject: string; body: Record<string, unknown>; msgId: string }> = [];
  const warnings: string[] = [];
  const publisher = {
    publish: async (contract: { subject: string }, body: Record<string, unknown>, o: { msgId: string }) => {
      published.push({ subject: contract.subject, body, msgId: o.msgId });
      return { seq: published.length, duplicate: false };
    },
  } as unknown as EventPublisher;
  return { published, warnings, take: (msg: BusMessage) => takeRequest(msg, { what: 'sweep', contract: SweepRequested, rejected: SweepRejected, publisher, log: { warn: (m) => warnings.push(m) }, accept }) };
}

const valid = { requestId: 'sweep-1', workflow: { path: 'wf.cwl' }, parameterization: { path: 'sweep.yml' } };

describe('takeRequest', () => {
  it('accepts a request that matches its contract, and publishes nothing', async () => {
    const got: SweepRequested[] = [];
    const t = intake(async (r) => void got.push(r));
    await t.take(message(JSON.stringify(valid)));
    assert.deepEqual(got.map((r) => r.requestId), ['sweep-1']);
    assert.deepEqual(t.published, []);
  });

  it('rejects malformed JSON (under the message id), a schema-invalid body (under its requestId) and what accept refuses', async () => {
    const t = intake(async () => {
      throw new RequestRejection('parameterization-not-found', 'cannot read sweep.yml', ['detail']);
    });
    await t.take(message('{oops', { [MSG_ID_HEADER]: 'm-7' }));
    await t.take(message(JSON.stringify({ requestId: 'sweep-2', workflow: {} })));
    await t.take(message('[1]'));
    await t.take(message(JSON.stringify(valid)));
    assert.deepEqual(t.published.map((p) => [p.subject, p.msgId, p.body.requestId, p.body.reason]), [
      [SweepRejected.subject, 'm-7:rejected', 'm-7', 'malformed-message'],
      [SweepRejected.subject, 'sweep-2:rejected', 'sweep-2', 'invalid-request'],
      [SweepRejected.subject, 'seq-42:rejected', 'seq-42', 'invalid-request'],
      [SweepRejected.subject, 'sweep-1:rejected', 'sweep-1', 'parameterization-not-found'],
    ]);
    assert.match(String(t.published[0]!.body.message), /^sweep request is not valid JSON: /);
    assert.equal(t.published[1]!.body.message, 'sweep request does not match sweep.requested/v1');
    assert.ok((t.published[1]!.body.details as string[]).length > 0, 'the contract problems are the details');
    assert.deepEqual(t.published[3]!.body.details, ['detail']);
    assert.equal(t.warnings[3], 'sweep sweep-1 rejected (parameterization-not-found): cannot read sweep.yml');
  });

  it('lets other errors through', async () => {
    const t = intake(async () => {
      throw new Error('store down');
    });
    await assert.rejects(t.take(message(JSON.stringify(valid))), /store down/);
    assert.deepEqual(t.published, []);
  });
});

describe('readRequestFile and requestVolumeShape', () => {
  const dir = mkdtempSync(join(tmpdir(), 'request-intake-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const reject = (m: string) => new RequestRejection('not-found', m);

  it('read inline text, an absolute or relative path, and reject a missing file with its path', async () => {
    writeFileSync(join(dir, 'sweep.yml'), 'x: 1\n');
    assert.deepEqual(await readRequestFile({ inline: 'y: 2', name: 'mine' }, 'study', reject), { text: 'y: 2', source: 'mine' });
    assert.deepEqual(await readRequestFile({ inline: 'y: 2' }, 'study', reject), { text: 'y: 2', source: 'study' });
    assert.deepEqual(await readRequestFile({ path: join(dir, 'sweep.yml') }, 'parameterization', reject), { text: 'x: 1\n', source: 'sweep.yml' });
    assert.deepEqual(await readRequestFile({ path: relative(process.cwd(), join(dir, 'sweep.yml')) }, 'parameterization', reject), { text: 'x: 1\n', source: 'sweep.yml' });
    const missing = join(dir, 'none.yml');
    await assert.rejects(readRequestFile({ path: missing }, 'parameterization', reject), (e: RequestRejection) => e.reason === 'not-found' && e.message.startsWith(`cannot read the parameterization ${missing}: ENOENT`));
  });

  it('read the shape of a volume, and reject one that cannot be read', async () => {
    // A (2, 3, 4) uint8 .npy file.
    const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3, 4), }";
    const padded = header.padEnd(118 - 1, ' ') + '\n';
    const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from([padded.length & 255, padded.length >> 8]), Buffer.from(padded, 'latin1'), Buffer.alloc(24)]);
    writeFileSync(join(dir, 'v.npy'), npy);
    assert.deepEqual(await requestVolumeShape(join(dir, 'v.npy'), reject), [2, 3, 4]);
    await assert.rejects(requestVolumeShape(join(dir, 'none.npy'), reject), (e: RequestRejection) => e.reason === 'not-found' && e.message.startsWith('cannot read the shape of block.volume: '));
  });
});
