import type { ScriptResult } from '../types.js';

/**
 * Errors of the SSH runner. Temporal turns a thrown error into an ApplicationFailure whose `type` is the error's
 * constructor name, and `nonRetryableErrorTypes` matches on that type. So retryability is a property of the CLASS
 * (one class per decision), the class name is set explicitly and never changes, and `NON_RETRYABLE_SSH_ERRORS`
 * lists the non-retryable ones for the activity's retry policy. `retryable` on the instance says the same thing to
 * plain TypeScript callers.
 */
export abstract class SshError extends Error {
  abstract readonly retryable: boolean;
  /** Which server (ServerEndpoint.id). */
  readonly serverId: string;

  constructor(serverId: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.serverId = serverId;
  }
}

/** Where a transport failure happened; after `running` the script may have run partly (or fully). */
export type TransportPhase = 'connect' | 'channel' | 'running';

/**
 * The network or the SSH transport failed: connection refused, reset, handshake or keepalive timeout, DNS, the
 * connection dropped mid-script, the pool was closed. Retryable: the server may be back in a moment, and scripts are
 * idempotent by design, so running one again after `running` is safe.
 */
export class TransportError extends SshError {
  override readonly name = 'TransportError';
  readonly retryable = true;
  readonly phase: TransportPhase;
  /** Output received before the connection dropped (phase `running` only). */
  readonly partial?: ScriptResult;

  constructor(serverId: string, phase: TransportPhase, message: string, options?: { cause?: unknown; partial?: ScriptResult }) {
    super(serverId, message, options);
    this.phase = phase;
    this.partial = options?.partial;
  }
}

/**
 * The server refused the panel's key. A configuration error (key not installed, wrong user): retrying cannot help,
 * an operator has to act. Nothing ran.
 */
export class SshAuthError extends SshError {
  override readonly name = 'SshAuthError';
  readonly retryable = false;
}

/**
 * The server presented a host key other than the pinned one: possibly a man in the middle, possibly a reinstalled
 * server. Either way nothing runs until an operator looks and re-trusts the server.
 */
export class HostKeyMismatchError extends SshError {
  override readonly name = 'HostKeyMismatchError';
  readonly retryable = false;
  constructor(
    serverId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(serverId, `host key of server ${serverId} changed: pinned ${expected}, presented ${actual}; nothing was run`);
  }
}

/** The server has no pinned host key yet: an operator must trust it first (see fetchHostKey). Nothing ran. */
export class HostKeyNotTrustedError extends SshError {
  override readonly name = 'HostKeyNotTrustedError';
  readonly retryable = false;
  constructor(serverId: string) {
    super(serverId, `server ${serverId} has no trusted host key yet; trust its fingerprint first; nothing was run`);
  }
}

/**
 * The script ran past its timeout and was killed (its whole remote process group). Not retried automatically, for
 * the same reason a non-zero exit is not: it ran (partly), and running it again blindly would likely hang again.
 * `result` holds the output up to the kill.
 */
export class ScriptTimeoutError extends SshError {
  override readonly name = 'ScriptTimeoutError';
  readonly retryable = false;
  constructor(
    serverId: string,
    readonly timeoutMs: number,
    readonly result: ScriptResult,
  ) {
    super(serverId, `script on server ${serverId} timed out after ${timeoutMs} ms and was killed`);
  }
}

/**
 * The caller's AbortSignal fired. If the script had started, its remote process group was killed and `result` holds
 * the output up to then; `started` is false when nothing ran. The activity maps this to Temporal's cancellation.
 */
export class ScriptCancelledError extends SshError {
  override readonly name = 'ScriptCancelledError';
  readonly retryable = false;
  constructor(
    serverId: string,
    readonly started: boolean,
    readonly result?: ScriptResult,
  ) {
    super(serverId, started ? `script on server ${serverId} was cancelled and killed` : `script on server ${serverId} was cancelled before it started`);
  }
}

/**
 * The caller stopped waiting (the `detach` signal) without killing anything: a started script goes on to its end on
 * the server. `started` is false when nothing was sent. Not an outcome of the script: the next attempt learns it.
 */
export class ScriptDetachedError extends SshError {
  override readonly name = 'ScriptDetachedError';
  readonly retryable = true;
  constructor(
    serverId: string,
    readonly started: boolean,
    readonly result?: ScriptResult,
  ) {
    super(serverId, started ? `stopped waiting for the script on server ${serverId}; it goes on there` : `stopped before the script started on server ${serverId}`);
  }
}

/** For the SSH activity's RetryPolicy.nonRetryableErrorTypes. */
export const NON_RETRYABLE_SSH_ERRORS: readonly string[] = [
  'SshAuthError',
  'HostKeyMismatchError',
  'HostKeyNotTrustedError',
  'ScriptTimeoutError',
  'ScriptCancelledError',
];
