/**
 * @module @saber/telemetry
 * OpenTelemetry set-up for SABER services and the W3C trace-context helpers that
 * carry one trace per run across NATS messages.
 */
export * from './telemetry';
export { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
export type { Context, Span, Attributes } from '@opentelemetry/api';
