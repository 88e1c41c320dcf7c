/**
 * The contract every {@link Bus} implementation passes: one node:test suite, run by
 * `in-process/in-process-bus.spec.ts` and `jetstream/jetstream-bus.int.spec.ts`.
 *
 * Ack waits are short (300–500 ms) so that a run takes seconds.
 *
 * @module
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ConsumerConflictError,
  DEAD_LETTER_PREFIX,
  InvalidSubjectError,
  KvConflictError,
  MSG_ID_HEADER,
  type Bus,
  type BusHeaders,
  type BusMessage,
  type ConsumerSpec,
  type MessageHandler,
} from './bus.port';
import { DLQ_CONSUMER_HEADER, DLQ_REASON_HEADER, DLQ_REASON_MAX_DELIVER } from './core/bus.defaults';

/** Makes a fresh, unstarted bus; `cleanup` closes it and frees whatever it created. */
export type BusFactory = () => Promise<{ bus: Bus; cleanup(): Promise<void> }>;

/** What a test keeps of a delivered message. */
interface Seen {
  subject: string;
  body: unknown;
  headers: BusHeaders;
  seq: number;
  deliveryCount: number;
}

const enc = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function seen(msg: BusMessage): Seen {
  return { subject: msg.subject, body: msg.json(), headers: msg.headers, seq: msg.seq, deliveryCount: msg.deliveryCount };
}

/** A handler that records every delivery, then runs `then` (default: return, which acks). */
function recorder(then?: (msg: BusMessage) => Promise<void>): { got: Seen[]; handler: MessageHandler } {
  const got: Seen[] = [];
  return {
    got,
    handler: async (msg) => {
      got.push(seen(msg));
      if (then) await then(msg);
    },
  };
}

/** A promise the test resolves at its end, for handlers that must not finish before. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Runs the bus contract against the implementation made by `makeBus`. */
export function runBusContract(name: string, makeBus: BusFactory): void {
  async function withBus(body: (bus: Bus) => Promise<void>): Promise<void> {
    const { bus, cleanup } = await makeBus();
    try {
      await bus.start();
      await bus.start(); // idempotent
      await body(bus);
    } finally {
      await cleanup();
    }
  }

  const dlqWatcher = async (bus: Bus, filter: string) => {
    const dlq = recorder();
    await bus.consume({ stream: 'events', filterSubject: `${DEAD_LETTER_PREFIX}.${filter}`, deliver: 'all' }, dlq.handler);
    return { dlq };
  };

  describe(`Bus contract: ${name}`, () => {
    test('publish and consume round trip with headers', () =>
      withBus(async (bus) => {
        const { got, handler } = recorder();
        await bus.consume({ stream: 'events', durable: 'rt', filterSubject: 'saber.events.rt.>' }, handler);
        const ack = await bus.publish('saber.events.rt.one', enc({ n: 1 }), {
          msgId: 'rt-1',
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'Saber-Schema': 'rt.one.1' },
        });
        assert.deepEqual(ack, { stream: 'events', seq: ack.seq, duplicate: false });
        assert.ok(ack.seq >= 1);
        await waitFor('the message', () => got.length === 1);
        const [msg] = got;
        assert.equal(msg!.subject, 'saber.events.rt.one');
        assert.deepEqual(msg!.body, { n: 1 });
        assert.equal(msg!.seq, ack.seq);
        assert.equal(msg!.deliveryCount, 1);
        assert.equal(msg!.headers['traceparent'], '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
        assert.equal(msg!.headers['Saber-Schema'], 'rt.one.1');
        assert.equal(msg!.headers[MSG_ID_HEADER], 'rt-1');
        const task = await bus.publish('saber.tasks.rt.one', enc({}), { msgId: 'rt-2' });
        assert.equal(task.stream, 'tasks');
      }));

    test('a second publish with the same msgId is a duplicate and is delivered once', () =>
      withBus(async (bus) => {
        const { got, handler } = recorder();
        await bus.consume({ stream: 'tasks', durable: 'dedupe', filterSubject: 'saber.tasks.dedupe.>' }, handler);
        const first = await bus.publish('saber.tasks.dedupe.x', enc({ n: 1 }), { msgId: 'same' });
        const second = await bus.publish('saber.tasks.dedupe.x', enc({ n: 2 }), { msgId: 'same' });
        assert.equal(first.duplicate, false);
        assert.deepEqual(second, { stream: 'tasks', seq: first.seq, duplicate: true });
        await waitFor('the message', () => got.length === 1);
        await sleep(300);
        assert.equal(got.length, 1);
        assert.deepEqual(got[0]!.body, { n: 1 });
      }));

    test('publishUnacked stores in order with acknowledged publishes, with headers and deduplication', () =>
      withBus(async (bus) => {
        const { got, handler } = recorder();
        await bus.consume({ stream: 'events', durable: 'unacked', filterSubject: 'saber.events.unacked.>' }, handler);
        bus.publishUnacked('saber.events.unacked.started', enc({ n: 1 }), { msgId: 'ua-1', headers: { 'Saber-Schema': 'unacked.started.1' } });
        bus.publishUnacked('saber.events.unacked.started', enc({ n: 2 }), { msgId: 'ua-1' });
        const done = await bus.publish('saber.events.unacked.completed', enc({ n: 3 }), { msgId: 'ua-2' });
        await waitFor('two messages', () => got.length === 2);
        await sleep(300);
        assert.deepEqual(got.map((m) => [m.subject, m.body, m.headers[MSG_ID_HEADER]]), [
          ['saber.events.unacked.started', { n: 1 }, 'ua-1'],
          ['saber.events.unacked.completed', { n: 3 }, 'ua-2'],
        ]);
        assert.equal(got[0]!.headers['Saber-Schema'], 'unacked.started.1');
        assert.ok(got[0]!.seq < done.seq);
        assert.throws(() => bus.publishUnacked('elsewhere.x', enc({}), { msgId: 'ua-3' }), InvalidSubjectError);
        assert.throws(() => bus.publishUnacked('saber.events.unacked.x', enc({}), { msgId: '' }), RangeError);
      }));

    test('events keep limits retention: two durables both receive every message', () =>
      withBus(async (bus) => {
        const a = recorder();
        const b = recorder();
        await bus.consume({ stream: 'events', durable: 'audit-a', filterSubject: 'saber.events.lim.>' }, a.handler);
        await bus.consume({ stream: 'events', durable: 'audit-b', filterSubject: 'saber.events.lim.*' }, b.handler);
        for (let i = 0; i < 5; i++) await bus.publish(`saber.events.lim.m${i}`, enc({ i }), { msgId: `lim-${i}` });
        await waitFor('5 messages on both', () => a.got.length === 5 && b.got.length === 5);
        const bodies = (s: Seen[]) => s.map((m) => m.body).sort((x, y) => (x as { i: number }).i - (y as { i: number }).i);
        assert.deepEqual(bodies(a.got), [0, 1, 2, 3, 4].map((i) => ({ i })));
        assert.deepEqual(bodies(b.got), [0, 1, 2, 3, 4].map((i) => ({ i })));
      }));

    test('tasks are a work queue: two consume calls of one durable split 200 messages, each handled once', () =>
      withBus(async (bus) => {
        const counts = new Map<number, number>();
        const perWorker = [0, 0];
        const worker = (w: number): MessageHandler => async (msg) => {
          counts.set(msg.seq, (counts.get(msg.seq) ?? 0) + 1);
          perWorker[w]! += 1;
          await sleep(2);
        };
        const spec: ConsumerSpec = { stream: 'tasks', durable: 'split', filterSubject: 'saber.tasks.split.>', concurrency: 4, ackWaitMs: 5_000 };
        await bus.consume(spec, worker(0));
        await bus.consume(spec, worker(1));
        const published = await Promise.all(
          Array.from({ length: 200 }, (_, i) => bus.publish(`saber.tasks.split.t${i % 7}`, enc({ i }), { msgId: `split-${i}` })),
        );
        assert.equal(new Set(published.map((p) => p.seq)).size, 200);
        await waitFor('200 messages handled', () => counts.size === 200, 10_000);
        await sleep(300);
        assert.equal(perWorker[0]! + perWorker[1]!, 200, `handled ${perWorker.join(' + ')}`);
        assert.ok(perWorker[0]! > 0 && perWorker[1]! > 0, `both replicas get work (${perWorker.join(' / ')})`);
        assert.ok([...counts.values()].every((n) => n === 1));
      }));

    test('nak redelivers with deliveryCount 2', () =>
      withBus(async (bus) => {
        const { got, handler } = recorder(async (msg) => {
          if (msg.deliveryCount === 1) msg.nak();
        });
        await bus.consume({ stream: 'tasks', durable: 'nak', filterSubject: 'saber.tasks.nak.>', ackWaitMs: 5_000 }, handler);
        await bus.publish('saber.tasks.nak.x', enc({}), { msgId: 'nak-1' });
        await waitFor('the redelivery', () => got.length === 2);
        assert.deepEqual(got.map((m) => m.deliveryCount), [1, 2]);
        assert.equal(got[0]!.seq, got[1]!.seq);
        await sleep(200);
        assert.equal(got.length, 2);
      }));

    test('a message not settled within ackWait is redelivered', () => {
      const first = gate();
      return withBus(async (bus) => {
        try {
          const { got, handler } = recorder(async (msg) => {
            if (msg.deliveryCount === 1) await first.wait;
          });
          await bus.consume({ stream: 'tasks', durable: 'ackwait', filterSubject: 'saber.tasks.aw.>', ackWaitMs: 300, concurrency: 2 }, handler);
          const started = Date.now();
          await bus.publish('saber.tasks.aw.x', enc({}), { msgId: 'aw-1' });
          await waitFor('the redelivery', () => got.length === 2, 3_000);
          assert.ok(Date.now() - started >= 250, 'not before the ack wait');
          assert.deepEqual(got.map((m) => m.deliveryCount), [1, 2]);
        } finally {
          first.open();
        }
      });
    });

    test('working() keeps a long handler from being redelivered', () =>
      withBus(async (bus) => {
        const { got, handler } = recorder(async (msg) => {
          for (let i = 0; i < 10; i++) {
            await sleep(100);
            msg.working();
          }
        });
        await bus.consume({ stream: 'tasks', durable: 'working', filterSubject: 'saber.tasks.wk.>', ackWaitMs: 400, concurrency: 2 }, handler);
        await bus.publish('saber.tasks.wk.x', enc({}), { msgId: 'wk-1' });
        await sleep(1_600);
        assert.deepEqual(got.map((m) => m.deliveryCount), [1]);
      }));

    test('a message that exhausts maxDeliver is dead-lettered and not delivered again', () =>
      withBus(async (bus) => {
        const { dlq } = await dlqWatcher(bus, 'saber.tasks.md.>');
        const { got, handler } = recorder(async () => {
          throw new Error('always fails');
        });
        await bus.consume({ stream: 'tasks', durable: 'maxdel', filterSubject: 'saber.tasks.md.>', ackWaitMs: 500, maxDeliver: 2 }, handler);
        const ack = await bus.publish('saber.tasks.md.x', enc({ doomed: true }), { msgId: 'md-1', headers: { 'Saber-Run': 'r1' } });
        await waitFor('the dead letter', () => dlq.got.length === 1);
        const letter = dlq.got[0]!;
        assert.equal(letter.subject, 'saber.events.dlq.saber.tasks.md.x');
        assert.deepEqual(letter.body, { doomed: true });
        assert.equal(letter.headers['Saber-Run'], 'r1');
        assert.equal(letter.headers[DLQ_REASON_HEADER], DLQ_REASON_MAX_DELIVER);
        assert.equal(letter.headers[DLQ_CONSUMER_HEADER], 'maxdel');
        assert.equal(letter.headers['Saber-Dlq-Seq'], String(ack.seq));
        await sleep(800);
        assert.deepEqual(got.map((m) => m.deliveryCount), [1, 2]);
        assert.equal(dlq.got.length, 1);
      }));

    test('a message whose every delivery times out is dead-lettered after maxDeliver', () => {
      const hang = gate();
      return withBus(async (bus) => {
        try {
          const { dlq } = await dlqWatcher(bus, 'saber.tasks.to.>');
          const { got, handler } = recorder(() => hang.wait);
          await bus.consume({ stream: 'tasks', durable: 'timeout', filterSubject: 'saber.tasks.to.>', ackWaitMs: 300, maxDeliver: 2, concurrency: 3 }, handler);
          await bus.publish('saber.tasks.to.x', enc({ slow: true }), { msgId: 'to-1' });
          await waitFor('the dead letter', () => dlq.got.length === 1);
          assert.equal(dlq.got[0]!.subject, 'saber.events.dlq.saber.tasks.to.x');
          assert.equal(dlq.got[0]!.headers[DLQ_REASON_HEADER], DLQ_REASON_MAX_DELIVER);
          await sleep(700);
          assert.deepEqual(got.map((m) => m.deliveryCount), [1, 2]);
        } finally {
          hang.open();
        }
      });
    });

    test('term dead-letters at once with its reason', () =>
      withBus(async (bus) => {
        const { dlq } = await dlqWatcher(bus, 'saber.tasks.term.>');
        const { got, handler } = recorder(async (msg) => msg.term('bad input'));
        await bus.consume({ stream: 'tasks', durable: 'term', filterSubject: 'saber.tasks.term.>', ackWaitMs: 300, maxDeliver: 5 }, handler);
        await bus.publish('saber.tasks.term.x', enc({ bad: true }), { msgId: 'term-1' });
        await waitFor('the dead letter', () => dlq.got.length === 1);
        assert.equal(dlq.got[0]!.subject, 'saber.events.dlq.saber.tasks.term.x');
        assert.equal(dlq.got[0]!.headers[DLQ_REASON_HEADER], 'bad input');
        assert.equal(dlq.got[0]!.headers[DLQ_CONSUMER_HEADER], 'term');
        await sleep(700);
        assert.equal(got.length, 1);
      }));

    test('a consumer on events that gives up dead-letters without removing the event for others', () =>
      withBus(async (bus) => {
        const { dlq } = await dlqWatcher(bus, 'saber.events.ev.>');
        const other = recorder();
        await bus.consume({ stream: 'events', durable: 'ev-term', filterSubject: 'saber.events.ev.>' }, async (m) => m.term('no'));
        await bus.publish('saber.events.ev.x', enc({}), { msgId: 'ev-1' });
        await waitFor('the dead letter', () => dlq.got.length === 1);
        await bus.consume({ stream: 'events', durable: 'ev-late', filterSubject: 'saber.events.ev.>' }, other.handler);
        await waitFor('the event for a later durable', () => other.got.length === 1);
        assert.equal(dlq.got[0]!.headers[DLQ_CONSUMER_HEADER], 'ev-term');
      }));

    test('concurrency caps the handlers running at once', () =>
      withBus(async (bus) => {
        let active = 0;
        let peak = 0;
        let done = 0;
        for (let i = 0; i < 12; i++) await bus.publish(`saber.tasks.cc.${i}`, enc({ i }), { msgId: `cc-${i}` });
        await bus.consume({ stream: 'tasks', durable: 'cc', filterSubject: 'saber.tasks.cc.>', concurrency: 3, ackWaitMs: 5_000 }, async () => {
          active += 1;
          peak = Math.max(peak, active);
          await sleep(60);
          active -= 1;
          done += 1;
        });
        await waitFor('12 messages', () => done === 12);
        assert.equal(peak, 3);
      }));

    test("ephemeral consumers deliver 'new' or 'all'", () =>
      withBus(async (bus) => {
        await bus.publish('saber.events.eph.before', enc('before'), { msgId: 'eph-1' });
        const fresh = recorder();
        const all = recorder();
        const s1 = await bus.consume({ stream: 'events', filterSubject: 'saber.events.eph.>', deliver: 'new' }, fresh.handler);
        const s2 = await bus.consume({ stream: 'events', filterSubject: 'saber.events.eph.>', deliver: 'all' }, all.handler);
        const dflt = recorder();
        const s3 = await bus.consume({ stream: 'events', filterSubject: 'saber.events.eph.>' }, dflt.handler);
        await bus.publish('saber.events.eph.after', enc('after'), { msgId: 'eph-2' });
        await waitFor('both messages on the replaying consumer', () => all.got.length === 2 && fresh.got.length >= 1 && dflt.got.length >= 1);
        await sleep(200);
        assert.deepEqual(all.got.map((m) => m.body), ['before', 'after']);
        assert.deepEqual(fresh.got.map((m) => m.body), ['after']);
        assert.deepEqual(dflt.got.map((m) => m.body), ['after']);
        await Promise.all([s1.stop(), s2.stop(), s3.stop()]);
        await bus.publish('saber.events.eph.stopped', enc('stopped'), { msgId: 'eph-3' });
        await sleep(200);
        assert.equal(all.got.length, 2);
      }));

    test('a stopped durable keeps its cursor; a new consume resumes after the acknowledged messages', () =>
      withBus(async (bus) => {
        const first = recorder();
        const spec: ConsumerSpec = { stream: 'tasks', durable: 'resume', filterSubject: 'saber.tasks.resume.>' };
        const sub = await bus.consume(spec, first.handler);
        await bus.publish('saber.tasks.resume.a', enc('a'), { msgId: 'resume-a' });
        await waitFor('the first message', () => first.got.length === 1);
        await sub.stop();
        await bus.publish('saber.tasks.resume.b', enc('b'), { msgId: 'resume-b' });
        await sleep(200);
        assert.equal(first.got.length, 1);
        const second = recorder();
        await bus.consume(spec, second.handler);
        await waitFor('the second message', () => second.got.length === 1);
        await sleep(200);
        assert.deepEqual(second.got.map((m) => m.body), ['b']);
      }));

    test('on the work queue, a consumer whose filter overlaps another consumer is rejected', () =>
      withBus(async (bus) => {
        const noop: MessageHandler = async () => {};
        const spec: ConsumerSpec = { stream: 'tasks', durable: 'wq-a', filterSubject: 'saber.tasks.wq.>' };
        await bus.consume(spec, noop);
        await bus.consume(spec, noop); // a replica of the same durable
        await assert.rejects(bus.consume({ stream: 'tasks', durable: 'wq-b', filterSubject: 'saber.tasks.wq.x' }, noop), ConsumerConflictError);
        await assert.rejects(bus.consume({ stream: 'tasks', filterSubject: 'saber.tasks.>' }, noop), ConsumerConflictError);
        await bus.consume({ stream: 'tasks', durable: 'wq-c', filterSubject: 'saber.tasks.other.>' }, noop);
        await assert.rejects(bus.consume({ stream: 'tasks', filterSubject: 'saber.tasks.new.>', deliver: 'new' }, noop), RangeError);
        const eph = recorder();
        await bus.publish('saber.tasks.eph.x', enc('pending'), { msgId: 'wq-eph-1' });
        await bus.consume({ stream: 'tasks', filterSubject: 'saber.tasks.eph.>' }, eph.handler);
        await waitFor('the pending task on an ephemeral work-queue consumer', () => eph.got.length === 1);
        await bus.consume({ stream: 'events', durable: 'wq-d', filterSubject: 'saber.events.wq.>' }, noop);
        await bus.consume({ stream: 'events', durable: 'wq-e', filterSubject: 'saber.events.wq.>' }, noop);
      }));

    test('KV: get, put, create conflict, update CAS conflict, delete, keys', () =>
      withBus(async (bus) => {
        const kv = await bus.kv('runs');
        const v = (s: string) => new TextEncoder().encode(s);
        const text = (e: { value: Uint8Array } | null) => (e ? new TextDecoder().decode(e.value) : null);
        assert.equal(await kv.get('run-1'), null);
        const r1 = await kv.create('run-1', v('created'));
        await assert.rejects(kv.create('run-1', v('again')), (err: unknown) => {
          assert.ok(err instanceof KvConflictError);
          assert.equal(err.key, 'run-1');
          assert.equal(err.bucket, 'runs');
          return true;
        });
        const r2 = await kv.put('run-1', v('put'));
        assert.ok(r2 > r1);
        const got = await kv.get('run-1');
        assert.equal(text(got), 'put');
        assert.equal(got!.revision, r2);
        await assert.rejects(kv.update('run-1', v('stale'), r1), KvConflictError);
        const r3 = await kv.update('run-1', v('updated'), r2);
        assert.ok(r3 > r2);
        assert.equal(text(await kv.get('run-1')), 'updated');
        await kv.put('run-2', v('two'));
        assert.deepEqual((await kv.keys()).sort(), ['run-1', 'run-2']);
        await kv.delete('run-1');
        assert.equal(await kv.get('run-1'), null);
        assert.deepEqual(await kv.keys(), ['run-2']);
        await kv.create('run-1', v('recreated'));
        assert.equal(text(await kv.get('run-1')), 'recreated');
        await assert.rejects(kv.update('run-1', v('x'), 0), RangeError);
        const again = await bus.kv('runs');
        assert.equal(text(await again.get('run-2')), 'two');
      }));

    test('subjects outside both stream roots are rejected', () =>
      withBus(async (bus) => {
        await assert.rejects(bus.publish('other.subject', enc({}), { msgId: 'x' }), InvalidSubjectError);
        await assert.rejects(bus.publish('saber.events', enc({}), { msgId: 'x' }), InvalidSubjectError);
        await assert.rejects(bus.publish('saber.events.*', enc({}), { msgId: 'x' }), InvalidSubjectError);
        await assert.rejects(bus.publish('saber.tasks..x', enc({}), { msgId: 'x' }), InvalidSubjectError);
        await assert.rejects(
          bus.consume({ stream: 'tasks', durable: 'bad', filterSubject: 'saber.events.x' }, async () => {}),
          InvalidSubjectError,
        );
        await assert.rejects(
          bus.publish('other.subject', enc({}), { msgId: 'x' }),
          { message: 'invalid subject "other.subject": must start with "saber.events." or "saber.tasks."' },
        );
      }));
  });
}
