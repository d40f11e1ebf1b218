import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { ServerEndpoint } from '../types.js';
import { HostKeyMismatchError, HostKeyNotTrustedError, SshAuthError, TransportError, type SshError } from './errors.js';
import { sameFingerprint, sshFingerprint } from './fingerprint.js';

// ssh2 is CommonJS and its `utils` is not statically detectable as a named export, so take the default.
const { Client } = ssh2;
type Client = InstanceType<typeof Client>;

export interface ConnectOptions {
  /** The panel's private key (OpenSSH format). */
  privateKey: Buffer;
  /** TCP connect + handshake + authentication. */
  readyTimeoutMs: number;
  /** SSH-level keepalive; a connection is declared dead after `keepaliveCountMax` unanswered ones. 0 = off. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

/**
 * One authenticated SSH connection to one server, with the host key verified against the pinned fingerprint BEFORE
 * authentication (ssh2 calls hostVerifier during key exchange; refusing there means we never even send our key, let
 * alone a script).
 */
export class SshConnection {
  private open = true;
  /** Why the connection ended, if it ended badly. */
  lastError: SshError | null = null;
  /** Resolves when the socket is closed, for whatever reason. */
  readonly closed: Promise<void>;

  private constructor(
    readonly server: ServerEndpoint,
    private readonly client: Client,
  ) {
    // `end` (peer closed its side) comes before `close`; no new channel can open from then on.
    client.on('end', () => (this.open = false));
    this.closed = new Promise((resolve) => {
      client.on('close', () => {
        this.open = false;
        resolve();
      });
    });
    // After `ready`, errors (keepalive timeout, reset) are followed by `close`; keep the reason for the callers.
    client.on('error', (err: Error & { level?: string }) => {
      this.lastError = classifyClientError(server, err, null);
    });
  }

  static open(server: ServerEndpoint, opts: ConnectOptions): Promise<SshConnection> {
    const pinned = server.hostKeyFingerprint;
    // Untrusted servers are refused before any packet: first contact only goes through fetchHostKey + an operator.
    if (!pinned) return Promise.reject(new HostKeyNotTrustedError(server.id));
    return new Promise((resolve, reject) => {
      const client = new Client();
      let mismatch: HostKeyMismatchError | null = null;
      let settled = false;
      const fail = (err: SshError) => {
        if (settled) return;
        settled = true;
        client.destroy();
        reject(err);
      };
      client.on('error', (err: Error & { level?: string }) => fail(classifyClientError(server, err, mismatch)));
      client.once('close', () => fail(new TransportError(server.id, 'connect', `connection to ${where(server)} closed during the handshake`)));
      client.once('ready', () => {
        settled = true;
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        // Channel requests are small packets in request/response pairs: with Nagle on, delayed ACKs add ~40 ms to
        // every channel open (measured). sshd itself only sets TCP_NODELAY for interactive sessions.
        client.setNoDelay(true);
        resolve(new SshConnection(server, client));
      });
      client.connect({
        host: server.address,
        port: server.port,
        username: server.user,
        privateKey: opts.privateKey,
        // Only our key: no `none` probe round trip, no password or agent fallbacks on a production panel.
        authHandler: ['publickey'],
        readyTimeout: opts.readyTimeoutMs,
        keepaliveInterval: opts.keepaliveIntervalMs,
        keepaliveCountMax: opts.keepaliveCountMax,
        hostVerifier: (key: Buffer) => {
          const presented = sshFingerprint(key);
          if (sameFingerprint(pinned, presented)) return true;
          mismatch = new HostKeyMismatchError(server.id, pinned, presented);
          return false;
        },
      });
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** Opens a session channel running `command`. */
  exec(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(this.lastError ?? new TransportError(this.server.id, 'channel', `connection to ${where(this.server)} is closed`));
      const failed = (err: Error) =>
        reject(new TransportError(this.server.id, 'channel', `could not open a channel on ${where(this.server)}: ${err.message}`, { cause: err }));
      try {
        this.client.exec(command, (err, channel) => (err ? failed(err) : resolve(channel)));
      } catch (err) {
        // ssh2 throws "Not connected" synchronously when the socket ended but `close` has not been emitted yet.
        this.open = false;
        failed(err as Error);
      }
    });
  }

  /**
   * Runs a short fixed command on its own channel and collects its stdout (for control commands: status, kill).
   * Past `timeoutMs` the channel is torn down and the call fails with a TransportError.
   */
  execSimple(command: string, timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
    return this.exec(command).then(
      (channel) =>
        new Promise((resolve, reject) => {
          let stdout = '';
          let code: number | null = null;
          const timer = setTimeout(() => {
            channel.destroy();
            reject(new TransportError(this.server.id, 'running', `control command on ${where(this.server)} timed out after ${timeoutMs} ms`));
          }, timeoutMs);
          channel.setEncoding('utf8');
          channel.on('data', (chunk: string) => (stdout += chunk));
          channel.stderr.resume();
          channel.on('exit', (c: number | null) => (code = c));
          channel.on('error', () => {});
          channel.on('close', () => {
            clearTimeout(timer);
            resolve({ code, stdout });
          });
          channel.end();
        }),
    );
  }

  /** Closes the connection (channels still open are torn down with it). */
  end(): Promise<void> {
    if (this.open) this.client.end();
    return this.closed;
  }

  /** Drops the socket at once (used when the connection is known to be dead). */
  destroy(): void {
    this.client.destroy();
  }
}

export function where(server: ServerEndpoint): string {
  return `${server.user}@${server.address}:${server.port} (${server.name})`;
}

/**
 * ssh2 tags errors with a `level`. Authentication failure is a configuration problem (non-retryable); a refused host
 * key is ours (we recorded which); everything else (socket, timeout, DNS, protocol) is transport, retryable.
 */
function classifyClientError(server: ServerEndpoint, err: Error & { level?: string; code?: string }, mismatch: HostKeyMismatchError | null): SshError {
  if (mismatch) return mismatch;
  if (err.level === 'client-authentication') {
    return new SshAuthError(server.id, `${where(server)} refused the panel's key: ${err.message}`, { cause: err });
  }
  const detail = err.code ? `${err.code}: ${err.message}` : err.message;
  return new TransportError(server.id, 'connect', `SSH to ${where(server)} failed: ${detail}`, { cause: err });
}
