import { SpanKind, SpanStatusCode, TraceFlags, type HrTime } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowSpan, WorkflowSpanSinks } from '../workflows/contracts/workflow-spans.js';

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), (ms % 1000) * 1e6];
const INSTRUMENTATION = { name: '@orchestra/workflow-tracing' };

/**
 * The worker side of the workflows' spans (src/workflows/tracing-interceptors.ts): each record, when its span ends in
 * the sandbox (not during a replay: the default of sinks), becomes a finished span of this process's span processor,
 * with the workflow's id, run id, type and task queue as attributes.
 */
export function makeWorkflowSpanSink(spanProcessor: SpanProcessor, resource: Resource): InjectedSinks<WorkflowSpanSinks> {
  return {
    workflowSpans: {
      end: {
        fn(info, span: WorkflowSpan) {
          const spanContext = { traceId: span.traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED };
          const readable: ReadableSpan = {
            name: span.name,
            kind: SpanKind.INTERNAL,
            spanContext: () => spanContext,
            parentSpanId: span.parentSpanId,
            startTime: hrTime(span.startMs),
            endTime: hrTime(span.endMs),
            duration: hrTime(span.endMs - span.startMs),
            status: span.error === undefined ? { code: SpanStatusCode.UNSET } : { code: SpanStatusCode.ERROR, message: span.error },
            attributes: { workflowId: info.workflowId, runId: info.runId, workflowType: info.workflowType, taskQueue: info.taskQueue },
            links: [],
            events: [],
            ended: true,
            resource,
            instrumentationLibrary: INSTRUMENTATION,
            droppedAttributesCount: 0,
            droppedEventsCount: 0,
            droppedLinksCount: 0,
          };
          spanProcessor.onEnd(readable);
        },
      },
    },
  };
}
