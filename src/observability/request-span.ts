import type { IncomingMessage, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { currentLogContext } from './log-context.js';
import { inSpan, SpanKind, tracingActive } from './tracing.js';

/**
 * The span of one GraphQL request over HTTP (the root of a change's trace), active for Apollo's whole handling and
 * ended when the response is sent. Named after its operation once Apollo knows it (`nameRequestSpan`). Express
 * middleware after `requestScope`, so the span carries the request id too. Nothing with tracing off.
 */
export function requestSpan(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  if (!tracingActive()) return next();
  const attributes = { 'http.request.method': req.method, 'orchestra.request_id': currentLogContext()?.requestId };
  void inSpan('graphql request', { kind: SpanKind.SERVER, attributes }, () =>
    new Promise<void>((resolve) => {
      res.once('close', resolve);
      next();
    }),
  );
}

/** Names the active request span after its operation: `mutation createAccount` (root fields, as the metrics). */
export function nameRequestSpan(type: string, operation: string): void {
  if (!tracingActive()) return;
  const span = trace.getActiveSpan();
  span?.updateName(`${type} ${operation}`);
  span?.setAttributes({ 'graphql.operation.type': type, 'graphql.operation.name': operation });
}
