import type { ServerEndpoint } from '../types.js';
import { ScriptCancelledError, TransportError } from './errors.js';
import { where } from './connection.js';

/** Bounded waits for the pool: every wait gives up at the call's deadline or when its AbortSignal fires. */

/** Sleeps `ms` unless the signal aborts first (then rejects with `onAbort()`). */
export function abortableSleep(ms: number, signal: AbortSignal | undefined, onAbort: () => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort());
    const abort = () => {
      clearTimeout(timer);
      reject(onAbort());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** Waits for `promise` but not past the deadline or an abort (the connection attempt itself goes on for others). */
export function withDeadline<T>(promise: Promise<T>, deadline: number, signal: AbortSignal | undefined, server: ServerEndpoint): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      cleanup();
      reject(new ScriptCancelledError(server.id, false));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new TransportError(server.id, 'connect', `connecting to ${where(server)} did not finish before the timeout`));
    }, Math.max(0, deadline - Date.now()));
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    promise.then(
      (v) => {
        cleanup();
        resolve(v);
      },
      (e: unknown) => {
        cleanup();
        reject(e);
      },
    );
  });
}
