// A workflow interceptor module (bundled with `workflowInterceptorModules` when tracing is on; not a workflow, and not
// exported from ./index.ts). Workflow code: it imports only @temporalio/workflow and types.
import {
  ContinueAsNew, defaultPayloadConverter, proxySinks, workflowInfo, type Headers, type Next, type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors, type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { WorkflowSpan, WorkflowSpanSinks } from './contracts/workflow-spans.js';
import { OTEL_TRACE_HEADER } from './trace-parent-interceptors.js';

/**
 * The workflows' spans (`RunWorkflow:<type>`, `HandleSignal:<name>`, `StartActivity:<type>`, `StartChildWorkflow:<type>`,
 * `SignalWorkflow:<name>`, `ContinueAsNew:<type>`), with the names, parents and headers of
 * @temporalio/interceptors-opentelemetry, whose client and activity interceptors read and write the same header.
 *
 * Not that package's workflow module: the reusable V8 context re-evaluates a workflow's modules for each workflow, so
 * its OpenTelemetry SDK (tracer provider, resources, semantic conventions) was built again for every run, and its
 * async wrappers made several promises per call, each paying the sandbox's stack-trace promise hook (a stack trace
 * and a source-map lookup per promise): most of the worker's CPU with tracing on (bench/README.md, issue 16). Here a
 * span is a plain record sent through a sink when it ends (ids are made here, so a replay gives the same ones), and
 * a call makes one promise more, not five.
 *
 * The parent of what a workflow starts is its `RunWorkflow` span (no context propagation inside the sandbox): the
 * signal handlers of these workflows start nothing.
 */

interface SpanContext {
  traceId: string;
  spanId: string;
  /** Sampled (W3C trace flags 01): a parent's decision is kept; a span of an unsampled trace is never sent. */
  sampled: boolean;
}

const TRACE_PARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

function contextFromHeaders(headers: Headers): SpanContext | undefined {
  const payload = headers[OTEL_TRACE_HEADER];
  if (!payload) return undefined;
  const m = TRACE_PARENT.exec(defaultPayloadConverter.fromPayload<{ traceparent?: string }>(payload)?.traceparent ?? '');
  return m ? { traceId: m[1], spanId: m[2], sampled: (parseInt(m[3], 16) & 1) === 1 } : undefined;
}

function headersWith(headers: Headers, span: SpanContext): Headers {
  const traceparent = `00-${span.traceId}-${span.spanId}-${span.sampled ? '01' : '00'}`;
  return { ...headers, [OTEL_TRACE_HEADER]: defaultPayloadConverter.toPayload({ traceparent }) };
}

/** 32-bit FNV-1a of `text`, from `seed`, as 8 hex digits. */
function fnv1a(text: string, seed: number): string {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

// Module state is per workflow run (the reusable context gives each workflow its own module instances).
let spansMade = 0;
let runSpan: SpanContext | undefined;

/**
 * A new span id: a hash of the run id and a count, not Math.random, so a replay makes the ids it made before (a span
 * ended after a replay keeps the id its children were given) and the workflow's own random sequence is untouched.
 */
function newSpanId(): string {
  const key = `${workflowInfo().runId}/${++spansMade}`;
  const id = fnv1a(key, 0x811c9dc5) + fnv1a(key, 0x050c5d1f);
  return id === '0000000000000000' ? '0000000000000001' : id;
}

/** A trace of its own for a workflow started without one (a schedule's): the run id is 32 hex digits already. */
function rootContext(): SpanContext {
  return { traceId: workflowInfo().runId.replace(/-/g, '').toLowerCase(), spanId: '', sampled: true };
}

const sinks = proxySinks<WorkflowSpanSinks>();

/**
 * Runs `fn` with a span child of `parent`, sent when the promise `fn` returns settles (then or catch: one promise).
 * `ok` says which rejections are not failures (continue-as-new is how a workflow ends well).
 */
function inSpan<T>(name: string, parent: SpanContext, fn: (span: SpanContext) => Promise<T>, ok?: (err: unknown) => boolean): Promise<T> {
  const span: SpanContext = { traceId: parent.traceId, spanId: newSpanId(), sampled: parent.sampled };
  const startMs = Date.now();
  const send = (error?: string) => {
    if (!span.sampled) return;
    const record: WorkflowSpan = { name, traceId: span.traceId, spanId: span.spanId, startMs, endMs: Date.now() };
    if (parent.spanId) record.parentSpanId = parent.spanId;
    if (error !== undefined) record.error = error;
    sinks.workflowSpans.end(record);
  };
  return fn(span).then(
    (value) => {
      send();
      return value;
    },
    (err: unknown) => {
      send(ok?.(err) ? undefined : err instanceof Error ? err.message : String(err));
      throw err;
    },
  );
}

const isContinueAsNew = (err: unknown) => err instanceof ContinueAsNew;

const inbound: WorkflowInboundCallsInterceptor = {
  execute(input, next) {
    const parent = contextFromHeaders(input.headers) ?? rootContext();
    return inSpan(`RunWorkflow:${workflowInfo().workflowType}`, parent, (span) => {
      runSpan = span;
      return next(input);
    }, isContinueAsNew);
  },
  handleSignal(input, next) {
    const parent = contextFromHeaders(input.headers);
    if (!parent) return next(input);
    return inSpan(`HandleSignal:${input.signalName}`, parent, () => next(input));
  },
};

/** An outbound call in a span under the run's, its header naming that span (as the OpenTelemetry module does). */
function outbound<I extends { headers: Headers }, R>(name: string, input: I, next: (input: I) => Promise<R>, ok?: (err: unknown) => boolean): Promise<R> {
  if (!runSpan) return next(input);
  return inSpan(name, runSpan, (span) => next({ ...input, headers: headersWith(input.headers, span) }), ok);
}

type Outbound = Required<WorkflowOutboundCallsInterceptor>;
const outboundCalls: WorkflowOutboundCallsInterceptor = {
  scheduleActivity: (input, next: Next<Outbound, 'scheduleActivity'>) => outbound(`StartActivity:${input.activityType}`, input, next),
  scheduleLocalActivity: (input, next: Next<Outbound, 'scheduleLocalActivity'>) => outbound(`StartActivity:${input.activityType}`, input, next),
  startChildWorkflowExecution: (input, next: Next<Outbound, 'startChildWorkflowExecution'>) => outbound(`StartChildWorkflow:${input.workflowType}`, input, next),
  signalWorkflow: (input, next: Next<Outbound, 'signalWorkflow'>) => outbound(`SignalWorkflow:${input.signalName}`, input, next),
  continueAsNew: (input, next: Next<Outbound, 'continueAsNew'>) => outbound(`ContinueAsNew:${input.options.workflowType ?? workflowInfo().workflowType}`, input, next, isContinueAsNew),
};

export const interceptors = (): WorkflowInterceptors => ({ inbound: [inbound], outbound: [outboundCalls] });
