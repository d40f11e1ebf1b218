import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import ssh2 from 'ssh2';
import type { ClientChannel } from 'ssh2';
import type { ScriptResult, ServerEndpoint } from '../types.js';
import { runOnChannel } from './channel-run.js';
import { sshReconnects } from '../../observability/metrics/process-metrics.js';
import { SshConnection, where, type ConnectOptions } from './connection.js';
import { HostKeyMismatchError, HostKeyNotTrustedError, ScriptCancelledError, ScriptDetachedError, SshError, TransportError } from './errors.js';
import { WRAPPER_COMMAND, killCommand } from './remote-process.js';
import type { RunScriptOptions, ScriptRunner } from './script-runner.js';
import { Semaphore } from './semaphore.js';
import { abortableSleep, withDeadline } from './waits.js';
import { STATUS_COMMAND, parseStatusOutput, type ServerStatus } from './server-status.js';

export interface SshPoolOptions {
  /** Path of the panel's private key (config `ORCHESTRA_SSH_KEY`); read once, at construction. */
  privateKeyPath: string;
  /** Script channels per connection; beyond it runs queue in arrival order. Default 8 (OpenSSH MaxSessions is 10). */
  maxChannelsPerConnection?: number;
  /** A connection with no channel for this long is closed. Default 60 s. */
  idleCloseMs?: number;
  /** Default 15 s × 3: a dead peer is noticed within 45 s even with no traffic. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** TCP connect + handshake + authentication. Default 10 s. */
  readyTimeoutMs?: number;
  /** Connection attempts within one call before it fails with TransportError (Temporal retries after that). Default 3. */
  connectAttempts?: number;
  /** Backoff between failed connection attempts to one server: base × 2^(failures−1), capped, +0–20 % jitter. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** After TERM, how long a killed script gets before KILL. Default 2 s. */
  killGraceMs?: number;
}

/**
 * Two control channels per connection on top of the script channels, so a kill (or a status probe) never queues
 * behind the very scripts it is meant to stop. 8 + 2 = OpenSSH's default MaxSessions.
 */
const CONTROL_CHANNELS = 2;
const STATUS_TIMEOUT_MS = 10_000;

/** Pool state of one server (one key: the same server with a new address, port, user or pinned key is another). */
interface ServerEntry {
  key: string;
  server: ServerEndpoint;
  scripts: Semaphore;
  control: Semaphore;
  conn: SshConnection | null;
  connecting: Promise<SshConnection> | null;
  /** Consecutive failed connection attempts, and when the next one may start. */
  failures: number;
  nextAttemptAt: number;
  /** A connection was opened or tried before: the next attempt is a reconnect (metrics). */
  triedBefore?: boolean;
  /** Calls currently using this entry (running or queued); the idle timer only runs at 0. */
  users: number;
  idleTimer: NodeJS.Timeout | null;
  /** Set by forget(): no new channel on this entry (why), and its connection ends when its last user leaves. */
  retiredBy: SshError | null;
}

/**
 * The worker's SSH side: one pooled connection per server, at most N script channels on it (the rest queue),
 * keepalive, reconnect with backoff, idle close. Implements ScriptRunner for the Temporal activity.
 */
export class SshPool implements ScriptRunner {
  private readonly entries = new Map<string, ServerEntry>();
  private readonly connectOptions: ConnectOptions;
  private readonly maxChannels: number;
  private readonly idleCloseMs: number;
  private readonly connectAttempts: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly killGraceMs: number;
  private closed = false;

  constructor(opts: SshPoolOptions) {
    const privateKey = readFileSync(opts.privateKeyPath);
    // Fail at worker start, not at the first script: an unreadable key is a configuration error.
    const parsed = ssh2.utils.parseKey(privateKey);
    if (parsed instanceof Error) throw new Error(`ORCHESTRA_SSH_KEY (${opts.privateKeyPath}) is not a usable private key: ${parsed.message}`);
    this.connectOptions = {
      privateKey,
      readyTimeoutMs: opts.readyTimeoutMs ?? 10_000,
      keepaliveIntervalMs: opts.keepaliveIntervalMs ?? 15_000,
      keepaliveCountMax: opts.keepaliveCountMax ?? 3,
    };
    this.maxChannels = opts.maxChannelsPerConnection ?? 8;
    this.idleCloseMs = opts.idleCloseMs ?? 60_000;
    this.connectAttempts = opts.connectAttempts ?? 3;
    this.backoffBaseMs = opts.backoffBaseMs ?? 250;
    this.backoffMaxMs = opts.backoffMaxMs ?? 10_000;
    this.killGraceMs = opts.killGraceMs ?? 2_000;
  }

  async run(server: ServerEndpoint, script: string, opts: RunScriptOptions): Promise<ScriptResult> {
    if (!(opts.timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${opts.timeoutMs}`);
    if (opts.signal?.aborted) throw new ScriptCancelledError(server.id, false);
    if (opts.detach?.aborted) throw new ScriptDetachedError(server.id, false);
    if (!server.hostKeyFingerprint) throw new HostKeyNotTrustedError(server.id);
    const deadline = Date.now() + opts.timeoutMs;
    const startBy = Math.min(deadline, Date.now() + (opts.startWithinMs ?? opts.timeoutMs));
    // Waiting for a slot or a connection ends on either signal; nothing has run then, so no kill is needed.
    const waits = opts.signal && opts.detach ? AbortSignal.any([opts.signal, opts.detach]) : (opts.signal ?? opts.detach);
    try {
      return await this.using(server, async (entry) => {
        const release = await this.acquire(entry, entry.scripts, startBy, waits);
        try {
          const channel = await this.openScriptChannel(entry, startBy, waits);
          return await runOnChannel(channel, script, {
            serverId: server.id,
            deadline,
            timeoutMs: opts.timeoutMs,
            signal: opts.signal,
            detach: opts.detach,
            onOutput: opts.onOutput,
            maxOutputBytes: opts.maxOutputBytes,
            feed: opts.feed,
            killGroup: (pgid) => this.killGroup(entry, pgid),
            // TERM + grace + KILL, plus time for the kill channel itself and the exit status to come back.
            killWaitMs: this.killGraceMs + 5_000,
          });
        } finally {
          release();
        }
      });
    } catch (err) {
      const detachedBeforeStart = err instanceof ScriptCancelledError && !err.started && !opts.signal?.aborted && opts.detach?.aborted;
      throw detachedBeforeStart ? new ScriptDetachedError(server.id, false) : err;
    }
  }

  /**
   * Retires the connections to the server that trust the key `reason` found changed: new calls connect afresh (and
   * meet the changed key), calls that were waiting fail with `reason`, scripts already running finish on the
   * connection they have, which then closes. Entries pinned to another key (trusted since) are left alone.
   */
  forget(serverId: string, reason: HostKeyMismatchError): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.server.id !== serverId || entry.server.hostKeyFingerprint !== reason.expected) continue;
      this.entries.delete(entry.key);
      entry.retiredBy = reason;
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
      if (entry.users === 0) void entry.conn?.end();
    }
  }

  /** Reachability, latency, uptime and load. Never throws: an unreachable server is a status, not an error. */
  async serverStatus(server: ServerEndpoint): Promise<ServerStatus> {
    const checkedAt = new Date().toISOString();
    const down = (err: unknown): ServerStatus => ({
      reachable: false,
      latencyMs: null,
      uptimeSeconds: null,
      loadAverage: null,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      ...(err instanceof HostKeyMismatchError && { changedHostKey: { pinned: err.expected, presented: err.actual } }),
      checkedAt,
    });
    if (!server.hostKeyFingerprint) return down(new HostKeyNotTrustedError(server.id));
    try {
      return await this.using(server, async (entry) => {
        const deadline = Date.now() + STATUS_TIMEOUT_MS;
        const release = await this.acquire(entry, entry.control, deadline);
        try {
          // One attempt, now, even during a backoff: an operator asking is exactly when a fresh answer matters.
          const conn = await this.connection(entry, deadline, undefined, { attempts: 1, ignoreBackoff: true });
          const start = performance.now();
          const { code, stdout } = await conn.execSimple(STATUS_COMMAND, Math.max(1, deadline - Date.now()));
          const latencyMs = performance.now() - start;
          const figures = parseStatusOutput(stdout);
          // Reachable means the command ran and its output came back. Its exit status may be missing (seen once in a
          // busy test run: `exit` never came, code null): the figures are the proof then.
          const ran = code === 0 || (code === null && figures.uptimeSeconds !== null && figures.loadAverage !== null);
          if (!ran) throw new Error(`${STATUS_COMMAND} exited with ${code}`);
          return { reachable: true, latencyMs, ...figures, error: null, checkedAt };
        } finally {
          release();
        }
      });
    } catch (err) {
      return down(err);
    }
  }

  /** Ends every connection. Calls in flight fail with TransportError (retryable: another worker takes over). */
  async close(): Promise<void> {
    this.closed = true;
    const ending: Promise<void>[] = [];
    for (const entry of this.entries.values()) {
      if (entry.idleTimer) clearTimeout(entry.idleTimer);
      if (entry.conn) ending.push(entry.conn.end());
    }
    this.entries.clear();
    await Promise.all(ending);
  }

  /** For tests and metrics. */
  stats(): { servers: number; connections: number; runningScripts: number; queuedScripts: number } {
    let connections = 0;
    let runningScripts = 0;
    let queuedScripts = 0;
    for (const e of this.entries.values()) {
      if (e.conn?.isOpen) connections++;
      runningScripts += e.scripts.active;
      queuedScripts += e.scripts.queued;
    }
    return { servers: this.entries.size, connections, runningScripts, queuedScripts };
  }

  // --- internals -------------------------------------------------------------------------------------------------

  /** Runs `fn` with the server's entry, keeping the entry (and its connection) from idling out meanwhile. */
  private async using<T>(server: ServerEndpoint, fn: (entry: ServerEntry) => Promise<T>): Promise<T> {
    if (this.closed) throw new TransportError(server.id, 'connect', 'the SSH pool is closed');
    const key = JSON.stringify([server.id, server.address, server.port, server.user, server.hostKeyFingerprint]);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        key,
        server,
        scripts: new Semaphore(this.maxChannels),
        control: new Semaphore(CONTROL_CHANNELS),
        conn: null,
        connecting: null,
        failures: 0,
        nextAttemptAt: 0,
        users: 0,
        idleTimer: null,
        retiredBy: null,
      };
      this.entries.set(key, entry);
    }
    entry.users++;
    if (entry.idleTimer) clearTimeout(entry.idleTimer);
    entry.idleTimer = null;
    try {
      return await fn(entry);
    } finally {
      entry.users--;
      if (entry.users === 0 && entry.retiredBy) void entry.conn?.end();
      else if (entry.users === 0 && !this.closed) this.scheduleIdleClose(entry);
    }
  }

  private scheduleIdleClose(entry: ServerEntry): void {
    entry.idleTimer = setTimeout(() => {
      if (entry.users > 0 || this.entries.get(entry.key) !== entry) return;
      this.entries.delete(entry.key);
      void entry.conn?.end();
    }, this.idleCloseMs);
    // An idle pool must not keep the worker process alive.
    entry.idleTimer.unref();
  }

  /** A channel slot, or an error once the deadline passes (nothing ran: retryable) or the signal aborts. */
  private async acquire(entry: ServerEntry, lane: Semaphore, deadline: number, signal?: AbortSignal): Promise<() => void> {
    const { slot, cancel } = lane.acquire(signal, () => new ScriptCancelledError(entry.server.id, false));
    const timer = setTimeout(
      () => cancel(new TransportError(entry.server.id, 'channel', `no free channel on ${where(entry.server)} before the timeout`)),
      Math.max(0, deadline - Date.now()),
    );
    try {
      return await slot;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The server's open connection, connecting if needed. Failed attempts back off exponentially per server (shared
   * by all callers, so an outage does not turn into a connection storm); after `connectAttempts` the call fails with
   * the last TransportError. Host key and auth errors fail at once.
   */
  private async connection(
    entry: ServerEntry,
    deadline: number,
    signal?: AbortSignal,
    how: { attempts?: number; ignoreBackoff?: boolean; evenIfRetired?: boolean } = {},
  ): Promise<SshConnection> {
    let lastError: SshError | null = null;
    for (let attempt = 0; attempt < (how.attempts ?? this.connectAttempts); attempt++) {
      if (this.closed) throw new TransportError(entry.server.id, 'connect', 'the SSH pool is closed');
      if (entry.retiredBy && !how.evenIfRetired) throw entry.retiredBy;
      if (entry.conn?.isOpen) return entry.conn;
      if (attempt > 0 && Date.now() >= deadline) break;
      if (!entry.connecting) {
        const wait = how.ignoreBackoff ? 0 : entry.nextAttemptAt - Date.now();
        if (wait > 0) {
          if (Date.now() + wait > deadline) break;
          await abortableSleep(wait, signal, () => new ScriptCancelledError(entry.server.id, false));
        }
        if (entry.conn?.isOpen) return entry.conn;
        entry.connecting ??= this.connect(entry);
      }
      try {
        return await withDeadline(entry.connecting, deadline, signal, entry.server);
      } catch (err) {
        if (!(err instanceof TransportError) || err.phase !== 'connect') throw err;
        lastError = err;
      }
    }
    throw lastError ?? new TransportError(entry.server.id, 'connect', `${where(entry.server)} is backing off after failed connections; no attempt fit before the timeout`);
  }

  private connect(entry: ServerEntry): Promise<SshConnection> {
    if (entry.triedBefore) sshReconnects.inc({ server: entry.server.name });
    entry.triedBefore = true;
    const attempt = SshConnection.open(entry.server, this.connectOptions).then(
      (conn) => {
        entry.failures = 0;
        entry.nextAttemptAt = 0;
        entry.conn = conn;
        // A dropped connection is simply forgotten; the next call reconnects (with backoff if that fails).
        void conn.closed.then(() => {
          if (entry.conn === conn) entry.conn = null;
        });
        if (this.closed) void conn.end();
        return conn;
      },
      (err: unknown) => {
        // Another key than the pinned one: whatever connections were opened before must not carry anything more.
        if (err instanceof HostKeyMismatchError) this.forget(entry.server.id, err);
        if (err instanceof SshError && err.retryable) {
          entry.failures++;
          const backoff = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (entry.failures - 1));
          entry.nextAttemptAt = Date.now() + backoff * (1 + Math.random() * 0.2);
        }
        throw err;
      },
    );
    void attempt.catch(() => {}).finally(() => {
      if (entry.connecting === attempt) entry.connecting = null;
    });
    return attempt;
  }

  /**
   * A channel running the wrapper, not yet fed. A connection can die between the pool handing it out and the
   * channel opening (the server restarted while it sat idle); nothing has run then, so one fresh connection is tried.
   * If the caller gave up meanwhile, the channel is closed unfed: the wrapper's bash reads an empty script and exits.
   */
  private async openScriptChannel(entry: ServerEntry, deadline: number, signal?: AbortSignal): Promise<ClientChannel> {
    for (let attempt = 1; ; attempt++) {
      const conn = await this.connection(entry, deadline, signal);
      let channel: ClientChannel;
      try {
        channel = await conn.exec(WRAPPER_COMMAND);
      } catch (err) {
        if (attempt < 2 && !conn.isOpen && err instanceof TransportError) continue;
        throw err;
      }
      if (signal?.aborted || Date.now() >= deadline) {
        channel.close();
        if (signal?.aborted) throw new ScriptCancelledError(entry.server.id, false);
        throw new TransportError(entry.server.id, 'channel', `the timeout ran out before the script started on ${where(entry.server)}`);
      }
      return channel;
    }
  }

  /** Kills a run's remote process group from a control channel on the server's current connection. */
  private async killGroup(entry: ServerEntry, pgid: number): Promise<void> {
    const deadline = Date.now() + this.killGraceMs + 10_000;
    const release = await this.acquire(entry, entry.control, deadline);
    try {
      // A kill still goes over a retired connection: it is the one the script runs on.
      const conn = await this.connection(entry, deadline, undefined, { evenIfRetired: true });
      await conn.execSimple(killCommand(pgid, this.killGraceMs), Math.max(1, deadline - Date.now()));
    } finally {
      release();
    }
  }
}
