import 'reflect-metadata';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Controller, type INestApplication } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { DEAD_LETTER_PREFIX } from '../bus.port';
import { InProcessBus } from '../in-process/in-process-bus';
import { BusConsumer, consumerPattern, parseConsumerPattern } from './bus-consumer.decorator';
import { BusContext } from './bus.context';
import { BusTransportStrategy } from './bus-transport.strategy';

const received: Array<{ body: unknown; subject: string; trace: string | undefined }> = [];
const attempts: number[] = [];

@Controller()
class StepsController {
  @BusConsumer({ stream: 'tasks', durable: 'steps', filterSubject: 'saber.tasks.step.>' })
  async onStep(@Payload() body: unknown, @Ctx() ctx: BusContext): Promise<void> {
    received.push({ body, subject: ctx.getSubject(), trace: ctx.getHeaders()['traceparent'] });
  }

  @BusConsumer({ stream: 'tasks', durable: 'flaky', filterSubject: 'saber.tasks.flaky.>', maxDeliver: 3 })
  async onFlaky(@Payload() _body: unknown, @Ctx() ctx: BusContext): Promise<void> {
    attempts.push(ctx.getMessage().deliveryCount);
    if (ctx.getMessage().deliveryCount === 1) throw new Error('the first attempt fails');
  }
}

const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

async function waitFor(what: string, condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('BusTransportStrategy', () => {
  const bus = new InProcessBus({ logger: { warn: () => {}, error: () => {} } });
  let app: INestApplication;

  before(async () => {
    await bus.start();
    const moduleRef = await Test.createTestingModule({ controllers: [StepsController] }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice({ strategy: new BusTransportStrategy(bus) }, { inheritAppConfig: true });
    await app.startAllMicroservices();
    await app.init();
  });

  after(async () => {
    await app.close();
    await bus.close();
  });

  test('a @BusConsumer handler receives the published payload and its context', async () => {
    await bus.publish('saber.tasks.step.run', enc({ stepId: 's1' }), { msgId: 'step-1', headers: { traceparent: 'tp-1' } });
    await waitFor('the step', () => received.length === 1);
    assert.deepEqual(received, [{ body: { stepId: 's1' }, subject: 'saber.tasks.step.run', trace: 'tp-1' }]);
  });

  test('a handler that throws gets the message again', async () => {
    await bus.publish('saber.tasks.flaky.x', enc({}), { msgId: 'flaky-1' });
    await waitFor('the redelivery', () => attempts.length === 2);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(attempts, [1, 2]);
  });

  test('a payload that is not JSON is dead-lettered without reaching the handler', async () => {
    const letters: string[] = [];
    await bus.consume({ stream: 'events', filterSubject: `${DEAD_LETTER_PREFIX}.>`, deliver: 'all' }, async (m) => {
      letters.push(`${m.subject} ${m.headers['Saber-Dlq-Reason']}`);
    });
    await bus.publish('saber.tasks.step.bad', new TextEncoder().encode('{not json'), { msgId: 'bad-1' });
    await waitFor('the dead letter', () => letters.length === 1);
    assert.match(letters[0]!, /^saber\.events\.dlq\.saber\.tasks\.step\.bad malformed JSON: /);
    assert.equal(received.length, 1);
  });

  test('patterns are stable JSON of the spec and parse back', () => {
    const pattern = consumerPattern({ concurrency: 2, filterSubject: 'saber.events.x', stream: 'events', durable: 'd' });
    assert.equal(pattern, '{"stream":"events","durable":"d","filterSubject":"saber.events.x","concurrency":2}');
    assert.deepEqual(parseConsumerPattern(pattern), { stream: 'events', durable: 'd', filterSubject: 'saber.events.x', concurrency: 2 });
    assert.equal(parseConsumerPattern('user.created'), undefined);
    assert.throws(() => BusConsumer({ stream: 'tasks', filterSubject: 'saber.events.x' }), /must start with "saber.tasks."/);
  });
});
