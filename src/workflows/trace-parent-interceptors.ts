// A workflow interceptor module (bundled with `workflowInterceptorModules` when tracing is on; not a workflow, and not
// exported from ./index.ts). Workflow code: it imports only @temporalio/workflow and types.
import { defaultPayloadConverter, type WorkflowInterceptors } from '@temporalio/workflow';
import type { ScriptRunInput } from './contracts/orchestration.js';

/** The header @temporalio/interceptors-opentelemetry carries the span context in (its TRACE_HEADER; a test checks). */
export const OTEL_TRACE_HEADER = '_tracer-data';

/**
 * A server queue serves every batch of its server for as long as it lives, so the context the tracing
 * interceptors give the run workflows it starts is the queue's own, not the change's. A run workflow whose input
 * names the `traceParent` of its batch (ScriptRunInput) is started with that span as its parent instead: listed
 * after the workflow span module (./tracing-interceptors.ts), this interceptor runs inside it and replaces the
 * header it just set.
 */
export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      startChildWorkflowExecution(input, next) {
        const traceParent = (input.options.args?.[0] as Partial<ScriptRunInput> | undefined)?.traceParent;
        if (typeof traceParent !== 'string') return next(input);
        const context = defaultPayloadConverter.toPayload({ traceparent: traceParent });
        return next({ ...input, headers: { ...input.headers, [OTEL_TRACE_HEADER]: context } });
      },
    },
  ],
});
