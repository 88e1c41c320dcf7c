import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { RetentionPolicy, StorageType, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { runBusContract } from '../bus.contract';
import { JetStreamBus } from './jetstream-bus';

const env = process.env['NATS_URL'];
if (!env) {
  throw new Error('jetstream-bus.int.spec needs NATS_URL (a nats-server with JetStream, e.g. nats://127.0.0.1:4222)');
}
const url: string = env;
const quiet = { warn: () => {}, error: () => {} };

/** Deletes every stream of a test namespace: its two streams and its KV buckets. */
async function deleteNamespace(namespace: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const owned = (name: string) =>
      name.startsWith(`${namespace.toUpperCase()}_`) || name.startsWith(`KV_${namespace}_`);
    for await (const name of jsm.streams.names()) if (owned(name)) await jsm.streams.delete(name);
  } finally {
    await nc.close();
  }
}

runBusContract('JetStreamBus', async () => {
  const namespace = `t${randomBytes(5).toString('hex')}`;
  const bus = new JetStreamBus({ servers: url, name: `bus-contract-${namespace}`, namespace, logger: quiet });
  return {
    bus,
    cleanup: async () => {
      await bus.close();
      await deleteNamespace(namespace);
    },
  };
});

describe('JetStreamBus on the server', () => {
  async function withBus(body: (bus: JetStreamBus, jsm: JetStreamManager, namespace: string) => Promise<void>, duplicateWindowMs?: number) {
    const namespace = `t${randomBytes(5).toString('hex')}`;
    const bus = new JetStreamBus({ servers: url, namespace, logger: quiet, kvBuckets: ['boot'], ...(duplicateWindowMs ? { duplicateWindowMs } : {}) });
    const nc = await connect({ servers: url });
    try {
      await bus.start();
      await body(bus, await jetstreamManager(nc), namespace);
    } finally {
      await bus.close();
      await nc.close();
      await deleteNamespace(namespace);
    }
  }

  test('start() creates both streams as configured, under the namespace, and the KV buckets it is given', () =>
    withBus(async (bus, jsm, ns) => {
      const events = await jsm.streams.info(bus.streamName('events'));
      const tasks = await jsm.streams.info(bus.streamName('tasks'));
      assert.equal(events.config.name, `${ns.toUpperCase()}_EVENTS`);
      assert.deepEqual(events.config.subjects, [`${ns}.saber.events.>`]);
      assert.equal(events.config.retention, RetentionPolicy.Limits);
      assert.equal(events.config.storage, StorageType.File);
      assert.equal(events.config.duplicate_window, 120_000 * 1e6);
      assert.deepEqual(tasks.config.subjects, [`${ns}.saber.tasks.>`]);
      assert.equal(tasks.config.retention, RetentionPolicy.Workqueue);
      await jsm.streams.info(`KV_${bus.bucketName('boot')}`);
    }));

  test('start() updates the duplicate window of existing streams', () =>
    withBus(async (bus, jsm, ns) => {
      const again = new JetStreamBus({ servers: url, namespace: ns, logger: quiet, duplicateWindowMs: 60_000 });
      await again.start();
      await again.close();
      assert.equal((await jsm.streams.info(bus.streamName('tasks'))).config.duplicate_window, 60_000 * 1e6);
    }));

  test('messages travel on namespaced wire subjects', () =>
    withBus(async (bus, jsm, ns) => {
      await bus.publish('saber.events.wire.x', new Uint8Array([1]), { msgId: 'wire-1' });
      const stored = await jsm.streams.getMessage(bus.streamName('events'), { seq: 1 });
      assert.equal(stored?.subject, `${ns}.saber.events.wire.x`);
    }));

  test('a dead-lettered work-queue message is deleted from the tasks stream', () =>
    withBus(async (bus, jsm) => {
      const letters: string[] = [];
      await bus.consume({ stream: 'events', durable: 'dlq', filterSubject: 'saber.events.dlq.>' }, async (m) => {
        letters.push(m.subject);
      });
      let release!: () => void;
      const hang = new Promise<void>((r) => (release = r));
      await bus.consume({ stream: 'tasks', durable: 'slow', filterSubject: 'saber.tasks.slow.>', ackWaitMs: 300, maxDeliver: 1, concurrency: 2 }, () => hang);
      await bus.publish('saber.tasks.slow.x', new Uint8Array([1]), { msgId: 'slow-1' });
      try {
        const deadline = Date.now() + 5_000;
        while (letters.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.deepEqual(letters, ['saber.events.dlq.saber.tasks.slow.x']);
        // The letter is published before the message is deleted (so that a failed publish loses
        // nothing): the deletion may land just after the letter arrives.
        const stored = async () => (await jsm.streams.info(bus.streamName('tasks'))).state.messages;
        while ((await stored()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        assert.equal(await stored(), 0);
      } finally {
        release();
      }
    }));

  test('an ephemeral consumer is deleted when its subscription stops; a durable stays', () =>
    withBus(async (bus, jsm, ns) => {
      const eph = await bus.consume({ stream: 'events', filterSubject: 'saber.events.e.>' }, async () => {});
      const dur = await bus.consume({ stream: 'events', durable: 'stays', filterSubject: 'saber.events.e.>' }, async () => {});
      const names = async () => (await jsm.consumers.list(bus.streamName('events')).next()).map((c) => c.name).sort();
      assert.equal((await names()).length, 2);
      await eph.stop();
      await dur.stop();
      assert.deepEqual(await names(), [`${ns}_stays`]);
    }));
});
