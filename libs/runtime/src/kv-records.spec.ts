import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InProcessBus, KvConflictError } from '@saber/bus';
import { decodeKvValue, encodeKvValue, kvKey, KvRecordStore } from './kv-records';

interface Thing {
  id: string;
  items: string[];
}

class ThingStore extends KvRecordStore<Thing> {
  constructor(bus: InProcessBus) {
    super(bus, 'test-things', (t) => t.id, 64);
  }
  put(id: string, index: number, value: unknown) {
    return this.putEntry(id, `e.${index}`, value);
  }
  entry(id: string, index: number) {
    return this.getEntry<unknown>(id, `e.${index}`);
  }
}

describe('KV records', () => {
  it('stores JSON, gzip above the threshold, and reads both back', () => {
    const small = { a: 1 };
    const large = { items: Array.from({ length: 50 }, (_, i) => `item ${i}`) };
    assert.deepEqual(Array.from(encodeKvValue(small, 64)), Array.from(new TextEncoder().encode('{"a":1}')));
    const packed = encodeKvValue(large, 64);
    assert.deepEqual([packed[0], packed[1]], [0x1f, 0x8b]);
    assert.ok(packed.length < JSON.stringify(large).length);
    assert.deepEqual(decodeKvValue(packed), large);
    assert.deepEqual(decodeKvValue(encodeKvValue(small, 64)), small);
    assert.equal(kvKey('sweep/1 ü'), Buffer.from('sweep/1 ü').toString('base64url'));
  });

  it('creates once, updates by compare-and-set, lists records but not their entries', async () => {
    const bus = new InProcessBus();
    await bus.start();
    try {
      const store = new ThingStore(bus);
      const thing = { id: 'run/a b', items: Array.from({ length: 40 }, (_, i) => `x${i}`) };
      assert.equal(await store.create(thing), true);
      assert.equal(await store.create({ id: 'run/a b', items: [] }), false, 'a second create of one id is refused');
      const got = await store.get('run/a b');
      assert.deepEqual(got?.record, thing);
      const next = await store.update({ ...thing, items: ['y'] }, got!.revision);
      assert.ok(next > got!.revision);
      await assert.rejects(store.update({ ...thing, items: ['z'] }, got!.revision), KvConflictError);
      assert.deepEqual((await store.get('run/a b'))?.record.items, ['y']);
      assert.equal(await store.get('missing'), null);
      await store.put('run/a b', 3, { done: true });
      assert.deepEqual(await store.entry('run/a b', 3), { done: true });
      assert.equal(await store.entry('run/a b', 4), null);
      await store.create({ id: 'second', items: [] });
      assert.deepEqual((await store.ids()).sort(), ['run/a b', 'second']);
    } finally {
      await bus.close();
    }
  });

  it('modifies by read, change, compare-and-set: again on a conflict, nothing without a record or a change, and gives up after the retries', async () => {
    const bus = new InProcessBus();
    await bus.start();
    try {
      const store = new ThingStore(bus);
      await store.create({ id: 't', items: [] });
      const seen: string[][] = [];
      let after = 0;
      // The first change races another writer: it runs again on the record that writer left.
      await store.modify('t', async (t) => {
        seen.push([...t.items]);
        if (seen.length === 1) {
          const got = await store.get('t');
          await store.update({ ...got!.record, items: ['other'] }, got!.revision);
        }
        t.items.push('mine');
        return () => {
          after++;
        };
      });
      assert.deepEqual(seen, [[], ['other']]);
      assert.equal(after, 1, 'what follows the write runs once, after the write that landed');
      assert.deepEqual((await store.get('t'))?.record.items, ['other', 'mine']);
      await store.modify('t', async (t) => {
        t.items.push('dropped');
        return undefined;
      });
      assert.deepEqual((await store.get('t'))?.record.items, ['other', 'mine'], 'undefined writes nothing');
      let called = false;
      await store.modify('missing', async () => {
        called = true;
        return () => {};
      });
      assert.equal(called, false);
      let tries = 0;
      const racing = store.modify(
        't',
        async () => {
          tries++;
          const got = await store.get('t');
          await store.update({ ...got!.record, items: [...got!.record.items, 'x'] }, got!.revision);
          return () => {};
        },
        2,
      );
      await assert.rejects(racing, KvConflictError);
      assert.equal(tries, 3, 'the first try and 2 retries');
    } finally {
      await bus.close();
    }
  });
});
