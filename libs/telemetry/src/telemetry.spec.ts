import assert from 'node:assert/strict';
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
