import { trace, type Span } from '@opentelemetry/api';
import { contextFromTraceParent, inSpan, SpanKind, tracingActive } from './tracing.js';

export interface SshExecSpanFacts {
  server: string;
  address: string;
  backend: string;
  scriptRunId: string;
  batchId: string;
  /** The batch's stored traceparent. */
  traceParent: string | null;
}

/**
 * One script's SSH exec as a span (`ssh.exec`), with its server and backend — never the script, which may hold
 * secrets. Its parent is the run activity's span when that is in the trace of the script's own batch (the first
 * script of a run); a later script of the same run belongs to another change, so its span goes under its own batch's
 * span, linked to the activity that ran it. With tracing off it is `fn()`.
 */
export function inSshExecSpan<T>(facts: SshExecSpanFacts, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!tracingActive()) return fn(undefined);
  const activity = trace.getActiveSpan()?.spanContext();
  const batch = contextFromTraceParent(facts.traceParent);
  const batchTraceId = batch && trace.getSpanContext(batch)?.traceId;
  const own = batch && batchTraceId !== activity?.traceId;
  return inSpan(
    'ssh.exec',
    {
      kind: SpanKind.CLIENT,
      parent: own ? batch : undefined,
      links: own && activity ? [{ context: activity }] : undefined,
      attributes: {
        'orchestra.server': facts.server,
        'server.address': facts.address,
        'orchestra.backend': facts.backend,
        'orchestra.script_run_id': facts.scriptRunId,
        'orchestra.batch_id': facts.batchId,
      },
    },
    fn,
  );
}
