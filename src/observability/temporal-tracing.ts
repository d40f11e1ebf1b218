import { fileURLToPath } from 'node:url';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { WorkflowSpanSinks } from '../workflows/contracts/workflow-spans.js';
import { currentTracing } from './tracing.js';
import { makeWorkflowSpanSink } from './workflow-span-sink.js';

/**
 * Temporal's OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), when this process traces: they carry
 * the span context in workflow and activity headers, from the client that starts or signals a workflow, through the
 * workflow (its spans go out through a sink, the sandbox exports nothing itself), to the activities it schedules.
 * Inside the workflows, our own lean module (src/workflows/tracing-interceptors.ts) instead of the package's, which
 * cost most of the worker's CPU with tracing on (bench/README.md, issue 16); same span names, parents and header.
 * Each function gives nothing with tracing off, so Temporal runs exactly as without them.
 */

/** The Temporal client's (API, relay, worker activities that start workflows). */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  return currentTracing() ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/**
 * The workflow interceptor modules to bundle: the workflows' spans (src/workflows/tracing-interceptors.ts), then the
 * one that parents a run workflow to its batch (src/workflows/trace-parent-interceptors.ts; after, so it runs inside
 * the first and wins).
 */
export function tracingWorkflowModules(): string[] {
  if (!currentTracing()) return [];
  return [
    fileURLToPath(new URL('../workflows/tracing-interceptors.ts', import.meta.url)),
    fileURLToPath(new URL('../workflows/trace-parent-interceptors.ts', import.meta.url)),
  ];
}

/** The activity span (`RunActivity:runScript`), child of the workflow's `StartActivity` span. */
export function tracingActivityInterceptors(): ActivityInterceptorsFactory[] {
  return currentTracing() ? [(ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx) })] : [];
}

/** The sink the workflows' spans leave the sandbox through, into this process's span processor. */
export function tracingWorkflowSinks(): InjectedSinks<WorkflowSpanSinks> | Record<string, never> {
  const tracing = currentTracing();
  return tracing ? makeWorkflowSpanSink(tracing.spanProcessor, tracing.resource) : {};
}
