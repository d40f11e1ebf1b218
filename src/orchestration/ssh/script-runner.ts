import type { ScriptResult, ServerEndpoint } from '../types.js';
import type { HostKeyMismatchError } from './errors.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunScriptOptions {
  /**
   * Budget for the whole call: waiting for a channel, connecting and running. When it runs out before the script
   * started, the call fails with a retryable TransportError (nothing ran); after, the remote process group is
   * killed and the call fails with ScriptTimeoutError.
   */
  timeoutMs: number;
  /**
   * Budget for waiting for a channel and connecting, when shorter than `timeoutMs`: a chained exec
   * (src/activities/orchestration/exec-chain.ts) lives as long as its activity, yet an unreachable server must be
   * reported as soon as for a single claim.
   */
  startWithinMs?: number;
  /** Cancels the run; a started script's remote process group is killed (ScriptCancelledError). */
  signal?: AbortSignal;
  /**
   * Stops waiting for the run WITHOUT killing it (ScriptDetachedError): the channel is closed and the script goes on
   * to its end on the server, where the run-once wrapper keeps its exit code for the next attempt. For everything
   * that ends an attempt but is not an operator's cancel: timeouts, a lost heartbeat, a worker shutting down.
   */
  detach?: AbortSignal;
  /** Output as it arrives (decoded UTF-8, never split inside a character); the activity heartbeats and saves it. */
  onOutput?: (stream: OutputStream, chunk: string) => void;
  /** Bound on the captured stdout and on the captured stderr (each); default 1 MiB. Head and tail are kept. */
  maxOutputBytes?: number;
  /**
   * Keeps the channel's stdin open after the script: the feed is given a writer once the script is sent, and ends
   * stdin itself. A coalesced claim (src/orchestration/claim-script.ts) says "run" or "skip" before each section.
   */
  feed?: ScriptFeed;
}

/** More input for a running script, after its text. */
export interface ScriptFeed {
  attach(write: (text: string) => void, end: () => void): void;
}

/**
 * Runs a bash script on a managed server: the side-effect boundary the Temporal activity uses, so the orchestration
 * logic can be tested with a fake. A non-zero exit is a normal result; failures to run at all are the errors in
 * ./errors.ts (TransportError retryable, the others not).
 */
export interface ScriptRunner {
  run(server: ServerEndpoint, script: string, opts: RunScriptOptions): Promise<ScriptResult>;
  /**
   * The server's host key is not to be trusted any more (another key was seen somewhere): no new script goes over
   * the connections opened before; they close once the scripts running on them end.
   */
  forget(serverId: string, reason: HostKeyMismatchError): void;
}
