import { context, propagation, trace, type Context, type Span, SpanStatusCode, type Attributes, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import { NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** What {@link startTelemetry} started: the full SDK (exporting) or a bare tracer provider. */
let sdk: Pick<NodeSDK, 'shutdown'> | undefined;

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** `service.name` of every span this process exports (e.g. `saber-planner`). */
  serviceName: string;
  /** Extra span processors (tests pass an in-memory exporter here). */
  spanProcessors?: SpanProcessor[];
  env?: NodeJS.ProcessEnv;
}

/**
 * Starts the OpenTelemetry SDK. Call it before importing anything else in a
 * service's entry point, so instrumented modules are patched.
 *
 * Exporters come from the standard variables: `OTEL_TRACES_EXPORTER` (default
 * `otlp` when an `OTEL_EXPORTER_OTLP_*ENDPOINT` is set, otherwise none),
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_PROTOCOL`. Without an
 * exporter (or with `OTEL_TRACES_EXPORTER=none`), spans are still created (and dropped), so every message carries a
 * valid W3C trace context and traces stay connected wherever they are exported.
 * `OTEL_SDK_DISABLED=true` turns tracing off completely.
 * The full SDK (`@opentelemetry/sdk-node`, which reads the exporter settings) is
 * loaded only when spans are exported: it brings every exporter with it, about
 * 150 ms of start-up that a short command such as `saber cwl-runner` would pay
 * for nothing. Otherwise (or with `spanProcessors` given) a tracer provider with
 * the same context manager and propagator runs alone.
 * Idempotent: a second call returns without doing anything.
 */
export function startTelemetry(options: TelemetryOptions): void {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (sdk) return;
  const env = options.env ?? process.env;
  if (env.OTEL_SDK_DISABLED === 'true') return;
  const serviceName = env.OTEL_SERVICE_NAME ?? options.serviceName;
  const hasEndpoint = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  // `none` exports nothing; spans are still made so that trace context travels.
  const exporter = env.OTEL_TRACES_EXPORTER?.trim();
  const exporting = exporter ? exporter !== 'none' : hasEndpoint;
  if (exporting && !options.spanProcessors) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { NodeSDK: Sdk } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
    const full = new Sdk({ serviceName, instrumentations: [] });
    full.start();
    sdk = full;
    return;
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    // Given processors (tests), or none at all: a no-op one.
    spanProcessors: options.spanProcessors ?? [new NoopSpanProcessor()],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  sdk = provider;
}

/** Flushes and stops the SDK (call on shutdown so the last spans are exported). */
export async function stopTelemetry(): Promise<void> {
  const s = sdk;
  sdk = undefined;
  if (s) await s.shutdown();
}

/** The SABER tracer. */
export function tracer() {
  return trace.getTracer('saber');
}

/** Writes the W3C trace context of `ctx` (default: the active one) into message headers. */
export function injectTraceHeaders(headers: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

/** Restores the context carried by message headers (the root context when there is none). */
export function extractTraceContext(headers: Record<string, string | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** Context whose parent is the span named by a W3C `traceparent` string. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  return traceparent ? extractTraceContext({ traceparent }) : context.active();
}

/** The `traceparent` of a span (for storing a run's context across restarts). */
export function traceparentOf(span: Span): string {
  const h: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), h);
  return h.traceparent ?? '';
}

/**
 * Runs `fn` inside a new span, child of `parent` (default: the active context),
 * records an exception and an error status when `fn` throws, and ends the span.
 */
export async function withSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  const span = tracer().startSpan(name, { attributes, kind }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (e) {
    span.recordException(e as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error).message });
    throw e;
  } finally {
    span.end();
  }
}
