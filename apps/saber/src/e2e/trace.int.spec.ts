import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { Client } from 'pg';
import { RunCompleted, RunRequested } from '@saber/contracts';
import { REPO_ROOT, TestCluster } from './cluster';
import { OtlpReceiver } from './otlp-receiver';

describe('one trace per run across services', () => {
  const receiver = new OtlpReceiver();
  let cluster: TestCluster;

  before(async () => {
    const endpoint = await receiver.start();
    cluster = new TestCluster({
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await cluster.start();
    await cluster.startService('catalog');
    await cluster.startService('planner');
    await cluster.startService('executor');
  });

  after(async () => {
    await cluster.stop();
    await receiver.stop();
    const pg = new Client({ connectionString: process.env.DATABASE_URL });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${cluster.namespace}" CASCADE`);
    await pg.end();
  });

  it('exports spans of planner, executor and catalog with the run’s one trace id', async () => {
    const req = RunRequested.parse({
      requestId: 'traced-1',
      workflow: { path: join(REPO_ROOT, 'workflows/examples/two-step/workflow.cwl') },
      inputs: { messages: ['a b'] },
    });
    await cluster.publish(RunRequested.subject, req, 'traced-1');
    await cluster.waitFor((e) => e.subject === RunCompleted.subject && e.body.runId === 'traced-1', 30_000, 'run.completed');
    const services = ['saber-planner', 'saber-executor', 'saber-catalog'];
    const runSpans = () => receiver.spans.filter((s) => s.attributes['saber.run_id'] === 'traced-1');
    for (let i = 0; i < 100 && !services.every((svc) => runSpans().some((s) => s.service === svc)); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const spans = runSpans();
    assert.deepEqual([...new Set(spans.map((s) => s.service))].sort(), services.sort());
    assert.equal(new Set(spans.map((s) => s.traceId)).size, 1, 'all spans of the run share one trace id');
    assert.ok(spans.some((s) => s.name === 'saber.run' || s.name === 'saber.plan'));
    assert.ok(spans.some((s) => s.name === 'saber.task'));
  });
});
