// A workflow interceptor module (bundled with `workflowInterceptorModules` when tracing is on; not a workflow, and not
// exported from ./index.ts). Workflow code: it imports only @temporalio/workflow and types.
import { defaultPayloadConverter, type WorkflowInterceptors } from '@temporalio/workflow';
import type { ClaimedRun, ScriptRunInput } from './contracts/orchestration.js';

/** The header @temporalio/interceptors-opentelemetry carries the span context in (its TRACE_HEADER; a test checks). */
export const OTEL_TRACE_HEADER = '_tracer-data';

/** The headers with `traceParent` as the span context, when the first argument names one. */
function withTraceParent<H extends Record<string, unknown>>(headers: H, firstArg: unknown): H {
  const traceParent = (firstArg as Partial<ClaimedRun | ScriptRunInput> | undefined)?.traceParent;
  if (typeof traceParent !== 'string') return headers;
  return { ...headers, [OTEL_TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent: traceParent }) };
}

/**
 * A server queue serves every batch of its server for as long as it lives, so the context the tracing
 * interceptors give the activities it schedules is the queue's own, not the change's. A runScript activity whose
 * claim names the `traceParent` of its batch (ClaimedRun) is scheduled with that span as its parent instead (and so
 * is a run workflow of before issue 17): listed after the workflow span module (./tracing-interceptors.ts), this
 * interceptor runs inside it and replaces the header it just set.
 */
export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      scheduleActivity: (input, next) => next({ ...input, headers: withTraceParent(input.headers, input.args[0]) }),
      startChildWorkflowExecution: (input, next) => next({ ...input, headers: withTraceParent(input.headers, input.options.args?.[0]) }),
    },
  ],
});
