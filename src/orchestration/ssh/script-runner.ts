import type { ScriptResult, ServerEndpoint } from '../types.js';

export type OutputStream = 'stdout' | 'stderr';

export interface RunScriptOptions {
  /**
   * Budget for the whole call: waiting for a channel, connecting and running. When it runs out before the script
   * started, the call fails with a retryable TransportError (nothing ran); after, the remote process group is
   * killed and the call fails with ScriptTimeoutError.
   */
  timeoutMs: number;
  /** Cancels the run; a started script's remote process group is killed (ScriptCancelledError). */
  signal?: AbortSignal;
  /** Output as it arrives (decoded UTF-8, never split inside a character); the activity heartbeats and saves it. */
  onOutput?: (stream: OutputStream, chunk: string) => void;
  /** Bound on the captured stdout and on the captured stderr (each); default 1 MiB. Head and tail are kept. */
  maxOutputBytes?: number;
}

/**
 * Runs a bash script on a managed server: the side-effect boundary the Temporal activity uses, so the orchestration
 * logic can be tested with a fake. A non-zero exit is a normal result; failures to run at all are the errors in
 * ./errors.ts (TransportError retryable, the others not).
 */
export interface ScriptRunner {
  run(server: ServerEndpoint, script: string, opts: RunScriptOptions): Promise<ScriptResult>;
}
