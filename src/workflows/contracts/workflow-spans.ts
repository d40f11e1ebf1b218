// What a workflow's spans are when they leave the sandbox (src/workflows/tracing-interceptors.ts) for the worker's
// span processor (src/observability/workflow-span-sink.ts). Plain data: the sandbox loads no OpenTelemetry SDK.
import type { Sink, Sinks } from '@temporalio/workflow';

export interface WorkflowSpan {
  /** `RunWorkflow:<type>`, `StartActivity:<type>`…: the names of @temporalio/interceptors-opentelemetry. */
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  /** Workflow time (deterministic), ms since the epoch. */
  startMs: number;
  endMs: number;
  /** Set when what the span covers failed. */
  error?: string;
}

export interface WorkflowSpanSink extends Sink {
  end(span: WorkflowSpan): void;
}

export interface WorkflowSpanSinks extends Sinks {
  workflowSpans: WorkflowSpanSink;
}
