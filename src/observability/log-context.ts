import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What every log line written on behalf of one piece of work carries: a GraphQL request (its request id, actor and
 * account) or an activity (the request id of the batch it serves, its workflow, its script run). Kept in an
 * AsyncLocalStorage so code deep down (the outbox, the SSH activity) logs with it without being handed a logger.
 */
export interface LogContext {
  requestId?: string;
  actor?: string;
  account?: string;
  workflowId?: string;
  activity?: string;
  [key: string]: string | undefined;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the current context (the outer one's fields stay unless overridden). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...fields }, fn);
}

/** The current context, mutable: a request learns its actor after authentication, within the same scope. */
export function currentLogContext(): LogContext | undefined {
  return storage.getStore();
}
