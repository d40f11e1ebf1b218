import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ClientInterceptors } from '@temporalio/client';
import {
  OpenTelemetryActivityInboundInterceptor, OpenTelemetryWorkflowClientInterceptor, makeWorkflowExporter, type OpenTelemetrySinks,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import { currentTracing } from './tracing.js';

/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), when this process traces: they carry
 * the span context in workflow and activity headers, from the client that starts or signals a workflow, through the
 * workflow (its spans go out through a sink, the sandbox exports nothing itself), to the activities it schedules.
 * Each function gives nothing with tracing off, so Temporal runs exactly as without them.
 */

/** The Temporal client's (API, relay, worker activities that start workflows). */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  return currentTracing() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

const require = createRequire(import.meta.url);

/**
 * The workflow interceptor modules to bundle: OpenTelemetry's, then ours that parents a run workflow to its batch
 * (src/workflows/trace-parent-interceptors.ts; after, so it runs inside OpenTelemetry's and wins).
 */
export function tracingWorkflowModules(): string[] {
  if (!currentTracing()) return [];
  return [
    require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
    fileURLToPath(new URL('../workflows/trace-parent-interceptors.ts', import.meta.url)),
  ];
}

/** The activity span (`RunActivity:runScript`), child of the workflow's `StartActivity` span. */
export function tracingActivityInterceptors(): ActivityInterceptorsFactory[] {
  return currentTracing() ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] : [];
}

/** The sink the workflows' spans leave the sandbox through, into this process's span processor. */
export function tracingWorkflowSinks(): InjectedSinks<OpenTelemetrySinks> | Record<string, never> {
  const tracing = currentTracing();
  return tracing ? { exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource) } : {};
}
