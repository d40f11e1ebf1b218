/** The SSH side of orchestration: run scripts on managed servers (see ssh-pool.ts) and the trust step for new servers. */
export type { OutputStream, RunScriptOptions, ScriptFeed, ScriptRunner } from './script-runner.js';
export { SshPool, type SshPoolOptions } from './ssh-pool.js';
export { fetchHostKey, type PresentedHostKey } from './fetch-host-key.js';
export { sshFingerprint, sameFingerprint } from './fingerprint.js';
export type { ServerStatus } from './server-status.js';
export {
  NON_RETRYABLE_SSH_ERRORS,
  HostKeyMismatchError,
  HostKeyNotTrustedError,
  ScriptCancelledError,
  ScriptDetachedError,
  ScriptTimeoutError,
  SshAuthError,
  SshError,
  TransportError,
  type TransportPhase,
} from './errors.js';
