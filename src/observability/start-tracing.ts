import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { currentTracing, setActiveTracing, tracingActive, type Tracing } from './tracing.js';

// The OpenTelemetry SDK: imported by the entry points only when an OTLP endpoint is configured (./tracing.ts).

/**
 * Starts the SDK for this process: a global tracer provider (W3C trace context propagation, AsyncLocalStorage context)
 * whose spans go to `exporter` in batches. One per process; the entry points call `startTracingFromConfig`.
 */
export function startTracing(options: { serviceName: string; exporter: SpanExporter }): Tracing {
  if (tracingActive()) throw new Error('tracing is already started in this process');
  const resource = new Resource({ 'service.name': options.serviceName });
  const spanProcessor = new BatchSpanProcessor(options.exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracing: Tracing = {
    spanProcessor,
    resource,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (currentTracing() !== tracing) return;
      setActiveTracing(null);
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  setActiveTracing(tracing);
  return tracing;
}

/** Tracing over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (config.observability.otlpEndpoint); else null. */
export function startTracingFromConfig(otlpEndpoint: string | null, serviceName: string): Tracing | null {
  if (!otlpEndpoint) return null;
  // The generic endpoint variable names the collector's base; traces go to its /v1/traces (OTLP/HTTP specification).
  const exporter = new OTLPTraceExporter({ url: `${otlpEndpoint.replace(/\/+$/, '')}/v1/traces` });
  return startTracing({ serviceName, exporter });
}

