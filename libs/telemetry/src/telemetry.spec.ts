import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it, after } from 'node:test';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { extractTraceContext, injectTraceHeaders, startTelemetry, stopTelemetry, withSpan, traceparentOf, contextFromTraceparent } from './telemetry';
import { trace } from '@opentelemetry/api';

describe('telemetry', () => {
  const exporter = new InMemorySpanExporter();
  const processor = new SimpleSpanProcessor(exporter);
  startTelemetry({ serviceName: 'test', spanProcessors: [processor], env: {} });
  after(() => stopTelemetry());

  it('carries one trace through message headers', async () => {
    const headers: Record<string, string> = {};
    let traceId = '';
    await withSpan('producer', {}, async (span) => {
      traceId = span.spanContext().traceId;
      injectTraceHeaders(headers);
    });
    assert.match(headers.traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await withSpan('consumer', {}, async () => undefined, extractTraceContext(headers));
    await processor.forceFlush();
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(spans.map((s) => s.name), ['producer', 'consumer']);
    assert.equal(spans[1].spanContext().traceId, traceId);
    assert.equal(spans[1].parentSpanContext?.spanId, spans[0].spanContext().spanId);
  });

  it('rebuilds a parent from a stored traceparent', async () => {
    const root = trace.getTracer('t').startSpan('root');
    const tp = traceparentOf(root);
    root.end();
    await withSpan('child', {}, async (s) => {
      assert.equal(s.spanContext().traceId, root.spanContext().traceId);
    }, contextFromTraceparent(tp));
  });

  it('records failures on the span', async () => {
    exporter.reset();
    await assert.rejects(withSpan('boom', {}, async () => { throw new Error('bad'); }), /bad/);
    await processor.forceFlush();
    assert.equal(exporter.getFinishedSpans()[0].status.code, 2);
  });
});

describe('startTelemetry without an exporter', () => {
  // A fresh process per case: the SDK is global and started once per process.
  const probe = (env: Record<string, string>) => {
    const script = `
      const t = require(${JSON.stringify(require.resolve('./telemetry'))});
      t.startTelemetry({ serviceName: 'probe' });
      t.withSpan('s', {}, async () => t.injectTraceHeaders({})).then((h) => {
        const sdkNode = Object.keys(require.cache).some((k) => k.includes('@opentelemetry/sdk-node'));
        process.stdout.write('\\nRESULT ' + JSON.stringify({ traceparent: h.traceparent, sdkNode }) + '\\n');
        return t.stopTelemetry();
      });`;
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTEL_')));
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...clean, ...env } });
    assert.equal(r.status, 0, r.stderr);
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, r.stdout);
    return JSON.parse(line.slice(7)) as { traceparent: string; sdkNode: boolean };
  };

  for (const [label, env] of [['nothing configured', {}], ['OTEL_TRACES_EXPORTER=none', { OTEL_TRACES_EXPORTER: 'none' }]] as const) {
    it(`${label}: creates real spans (a sampled, non-zero trace context) without loading the full SDK`, () => {
      const r = probe(env);
      assert.match(r.traceparent, /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-01$/);
      assert.equal(r.sdkNode, false);
    });
  }

  it('loads the full SDK when an exporter is configured', () => {
    const r = probe({ OTEL_TRACES_EXPORTER: 'console' });
    assert.match(r.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    assert.equal(r.sdkNode, true);
  });
});
