import type { IncomingMessage, ServerResponse } from 'node:http';
import { withLogContext } from './log-context.js';
import { REQUEST_ID_HEADER, requestIdFrom } from './request-id.js';

/**
 * Gives the request its id (the caller's `X-Request-Id` if sane, else a new one), sends it back, and runs the rest of
 * the request in a log context holding it: every line logged, and every batch written (src/orchestration/outbox),
 * carries it.
 */
export function requestScope(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  const requestId = requestIdFrom(req.headers[REQUEST_ID_HEADER]);
  res.setHeader(REQUEST_ID_HEADER, requestId);
  withLogContext({ requestId }, () => next());
}
