import {
  context, propagation, trace, ROOT_CONTEXT, SpanKind, SpanStatusCode, type Attributes, type Context, type Link, type Span,
} from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * OpenTelemetry traces of one change, from the GraphQL request to the SSH exec (docs/architecture.md §10). Off unless
 * an OTLP endpoint is configured (./start-tracing.ts, loaded only then): otherwise no SDK is loaded or started, the
 * global API stays OpenTelemetry's no-op, and every instrumented place is one boolean test (`tracingActive()`): no
 * span object, no context switch.
 */
export interface Tracing {
  /** Where spans of this process go; the worker hands it to the workflows' span sink too. */
  spanProcessor: SpanProcessor;
  resource: Resource;
  /** Exports what has ended so far. */
  flush(): Promise<void>;
  /** Flushes, stops the SDK and puts the global API back to its no-op: tracing is off again. */
  shutdown(): Promise<void>;
}

let active: Tracing | null = null;

/** Whether this process traces (an SDK was started). */
export function tracingActive(): boolean {
  return active !== null;
}

/** The tracing of this process, if started (the worker's span sink, the tests' flush). */
export function currentTracing(): Tracing | null {
  return active;
}

/**
 * The entry points' switch: with an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT), loads and starts the SDK, exporting
 * over OTLP/HTTP; without one, loads nothing and returns null. Before the Temporal clients, the workflow bundle and
 * the worker are made: they take their interceptors from it.
 */
export async function startTracingIfConfigured(otlpEndpoint: string | null, serviceName: string): Promise<Tracing | null> {
  if (!otlpEndpoint) return null;
  const { startTracingFromConfig } = await import('./start-tracing.js');
  return startTracingFromConfig(otlpEndpoint, serviceName);
}

/** Called by startTracing (./start-tracing.ts) and by its shutdown. */
export function setActiveTracing(tracing: Tracing | null): void {
  active = tracing;
}

const tracer = () => trace.getTracer('orchestra');

export interface SpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
  /** The parent instead of the active context (a batch started by the relay, long after its request). */
  parent?: Context;
  links?: Link[];
}

/**
 * Runs `fn` in a new span (active for what `fn` calls), ended when it settles; an error marks it and is rethrown.
 * With tracing off it is `fn()` and nothing else.
 */
export function inSpan<T>(name: string, options: SpanOptions, fn: (span: Span | undefined) => T): T {
  if (!active) return fn(undefined);
  const parent = options.parent ?? context.active();
  const span = tracer().startSpan(name, { attributes: options.attributes, kind: options.kind, links: options.links }, parent);
  const fail = (err: unknown) => {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
    span.end();
    throw err;
  };
  try {
    const result = context.with(trace.setSpan(parent, span), () => fn(span));
    if (result instanceof Promise) {
      return result.then((value: unknown) => {
        span.end();
        return value;
      }, fail) as T;
    }
    span.end();
    return result;
  } catch (err) {
    return fail(err);
  }
}

/** The W3C `traceparent` of the active span, to store with what outlives the request (a batch); null when off. */
export function activeTraceParent(): string | null {
  if (!active) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** A context whose parent span is the stored `traceparent` (null: none stored, or tracing off). */
export function contextFromTraceParent(traceParent: string | null | undefined): Context | undefined {
  if (!active || !traceParent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, { traceparent: traceParent });
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

export { SpanKind };
