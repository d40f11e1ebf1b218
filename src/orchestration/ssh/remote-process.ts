/**
 * The remote side of a script run: the fixed command every script channel executes, how the script is framed on
 * stdin, and how a run is killed. Nothing here ever contains a script value: the wrapper is a constant, and the kill
 * command contains only integers we produced.
 *
 * Why a wrapper at all: closing a channel without a pty does not stop the remote process (sshd only closes its
 * pipes), so a timeout or a cancel must kill it explicitly. OpenSSH's session child calls setsid(), so the login
 * shell that runs our command leads its own process group, and everything the script starts (pipelines, background
 * jobs: no job control in a non-interactive shell) stays in that group. The wrapper prints the group id (= the shell's
 * pid, kept by `exec`) on the first stdout line; killing `-pgid` from a second channel gets the whole tree. Only a
 * script that deliberately leaves the group (setsid, daemonising) escapes, which is what a service start wants.
 */

export const PGID_MARKER = 'orchestra-pgid:';

/**
 * Runs as `$SHELL -c WRAPPER_COMMAND` (POSIX sh is enough). `--norc --noprofile`: bash started by sshd may source
 * ~/.bashrc, whose output or settings must not leak into the script run.
 */
export const WRAPPER_COMMAND = `printf '${PGID_MARKER}%s\\n' "$$"; exec bash --norc --noprofile -s`;

/**
 * The bytes sent on stdin. The script is wrapped in a `{ … }` group, so bash parses the WHOLE script before running
 * any of it, which buys two guarantees plain `bash -s` lacks:
 *  - a connection that drops while the script is being sent never runs a truncated script (a cut `rm -rf /srv/x/tmp`
 *    could become `rm -rf /srv/x`): an unterminated group is a syntax error and nothing runs;
 *  - commands in the script that read stdin (`read`, `cat`, `mysql` without a redirect) get EOF instead of eating the
 *    rest of the script.
 * The script's own bytes are untouched.
 */
export function frameScript(script: string): Buffer {
  return Buffer.concat([Buffer.from('{\n'), Buffer.from(script, 'utf8'), Buffer.from('\n}\n')]);
}

/**
 * Kills a run's process group: TERM, up to `graceMs` for it to exit, then KILL. Exits 0 in every case (a group that
 * is already gone is the goal). `pgid` must be > 1: `kill -- -1` would signal every process of the user.
 */
export function killCommand(pgid: number, graceMs: number): string {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new Error(`refusing to kill process group ${pgid}`);
  const steps = Math.max(1, Math.ceil(graceMs / 100));
  return (
    `kill -TERM -- -${pgid} 2>/dev/null || exit 0; ` +
    `i=0; while [ "$i" -lt ${steps} ]; do sleep 0.1; kill -0 -- -${pgid} 2>/dev/null || exit 0; i=$((i+1)); done; ` +
    `kill -KILL -- -${pgid} 2>/dev/null; exit 0`
  );
}

/** Longest prefix we scan for the marker line; anything a login file printed before it is discarded. */
const MAX_PREAMBLE = 64 * 1024;

/**
 * Splits the wrapper's first stdout line (the process group id) from the script's own output. Lines before the
 * marker (a noisy login file) are dropped. If no marker shows up within 64 KiB, everything is passed through and the
 * pgid stays unknown (the run can then only be stopped by closing the channel).
 */
export class PgidLineParser {
  pgid: number | null = null;
  private done = false;
  private pending = Buffer.alloc(0);

  /** Feeds stdout bytes; returns the bytes that belong to the script's output. */
  feed(chunk: Buffer): Buffer {
    if (this.done) return chunk;
    this.pending = Buffer.concat([this.pending, chunk]);
    for (;;) {
      const nl = this.pending.indexOf(0x0a);
      if (nl < 0) break;
      const line = this.pending.subarray(0, nl).toString('latin1');
      this.pending = this.pending.subarray(nl + 1);
      const match = line.startsWith(PGID_MARKER) ? /^(\d+)$/.exec(line.slice(PGID_MARKER.length)) : null;
      if (match) {
        this.pgid = Number(match[1]);
        return this.finish();
      }
    }
    if (this.pending.length > MAX_PREAMBLE) return this.finish();
    return Buffer.alloc(0);
  }

  private finish(): Buffer {
    this.done = true;
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return rest;
  }
}
