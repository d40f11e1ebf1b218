/**
 * Shapes shared by the orchestration engine's parts (collector, routes, backends, SSH runner, workflows).
 * Plain data only: these cross the Temporal boundary as JSON.
 */

/** What a backend does with an object. Custom actions (e.g. `monitor`) are backend-specific strings. */
export type Action = 'save' | 'delete' | (string & {});

/** A managed server as the SSH runner needs it. */
export interface ServerEndpoint {
  id: string;
  name: string;
  address: string;
  port: number;
  user: string;
  /** Pinned host key, `SHA256:<base64>` as OpenSSH prints it; null until an operator trusts the server. */
  hostKeyFingerprint: string | null;
}

/** One operation as a backend renders it: the action and the snapshot of the object taken at commit time. */
export interface OperationInput {
  operationId: string;
  action: Action;
  /** Model name, e.g. "SystemUser". */
  model: string;
  objectId: string;
  /** Everything the backend needs, captured when the change was committed (so a delete can be replayed). */
  snapshot: Record<string, unknown>;
}

/** The outcome of one script on one server. */
export interface ScriptResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  startedAt: string;
  finishedAt: string;
}
