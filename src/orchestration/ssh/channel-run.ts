import type { ClientChannel } from 'ssh2';
import type { ScriptResult } from '../types.js';
import { BoundedOutput, DEFAULT_MAX_OUTPUT_BYTES } from './bounded-output.js';
import { ScriptCancelledError, ScriptDetachedError, ScriptTimeoutError, TransportError } from './errors.js';
import { PgidLineParser, frameScript } from './remote-process.js';
import type { OutputStream, ScriptFeed } from './script-runner.js';

export interface ChannelRunOptions {
  serverId: string;
  /** Epoch ms at which the run is killed (ScriptTimeoutError). */
  deadline: number;
  /** For the error message only. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Stop waiting without a kill: the channel is closed, the script goes on (ScriptDetachedError). */
  detach?: AbortSignal;
  onOutput?: (stream: OutputStream, chunk: string) => void;
  maxOutputBytes?: number;
  /** Keeps stdin open after the script for more input (see RunScriptOptions.feed). */
  feed?: ScriptFeed;
  /** Kills the remote process group (TERM, grace, KILL) from another channel; resolves when that is done. */
  killGroup: (pgid: number) => Promise<void>;
  /** How long to wait for the channel to close once a kill was sent before giving up on it. */
  killWaitMs: number;
}

/**
 * Runs one script on a channel already executing WRAPPER_COMMAND: sends the framed script on stdin, captures and
 * streams the output, and turns the channel's end into a ScriptResult or an error. A timeout or an abort kills the
 * remote process group and still reports what the script printed up to then; a detach only stops listening.
 */
export function runOnChannel(channel: ClientChannel, script: string, opts: ChannelRunOptions): Promise<ScriptResult> {
  const startedAt = new Date().toISOString();
  const parser = new PgidLineParser();
  const stdout = new BoundedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const stderr = new BoundedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
  const emit = (stream: OutputStream, text: string) => {
    if (!text || !opts.onOutput) return;
    try {
      opts.onOutput(stream, text);
    } catch {
      // A failing observer (e.g. a heartbeat after the activity was cancelled) must not break the SSH stream
      // parser that is calling us; the output is still captured.
    }
  };

  return new Promise<ScriptResult>((resolve, reject) => {
    let exit: { code: number | null; signal: string | null } | null = null;
    let stopReason: 'timeout' | 'cancel' | 'detach' | null = null;
    let killSent = false;
    let backstop: NodeJS.Timeout | undefined;

    const sendKill = () => {
      if (killSent || parser.pgid === null) return;
      killSent = true;
      // Errors here mean the connection is gone too; the backstop below ends the wait either way.
      opts.killGroup(parser.pgid).catch(() => {});
    };

    const stop = (reason: 'timeout' | 'cancel') => {
      if (stopReason || exit) return;
      stopReason = reason;
      // Without the pgid yet (the wrapper has not printed it), the kill goes out as soon as it arrives.
      sendKill();
      // If the channel does not close (kill failed, connection hung), stop waiting: tear it down and report.
      backstop = setTimeout(() => {
        channel.destroy();
        finish();
      }, opts.killWaitMs);
    };

    // Closing a channel without a pty leaves the remote process running (see remote-process.ts): exactly a detach.
    const detach = () => {
      if (stopReason || exit) return;
      stopReason = 'detach';
      channel.close();
      backstop = setTimeout(() => {
        channel.destroy();
        finish();
      }, opts.killWaitMs);
    };
    const onAbort = () => stop('cancel');
    const timer = setTimeout(() => stop('timeout'), Math.max(0, opts.deadline - Date.now()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    opts.detach?.addEventListener('abort', detach, { once: true });

    channel.on('data', (chunk: Buffer) => {
      const own = parser.feed(chunk);
      if (stopReason) sendKill();
      if (own.length > 0) emit('stdout', stdout.push(own));
    });
    channel.stderr.on('data', (chunk: Buffer) => emit('stderr', stderr.push(chunk)));
    channel.on('exit', (code: number | null, signal?: string) => {
      exit = { code: code ?? null, signal: signal ? (signal.startsWith('SIG') ? signal : `SIG${signal}`) : null };
    });
    channel.on('error', () => {
      // Followed by `close`; a channel without an exit status is reported there.
    });
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearTimeout(backstop);
      opts.signal?.removeEventListener('abort', onAbort);
      opts.detach?.removeEventListener('abort', detach);
      emit('stdout', stdout.flush());
      emit('stderr', stderr.flush());
      const result: ScriptResult = {
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: stdout.text(),
        stderr: stderr.text(),
        stdoutTruncated: stdout.truncated,
        stderrTruncated: stderr.truncated,
        startedAt,
        finishedAt: new Date().toISOString(),
      };
      if (stopReason === 'timeout') reject(new ScriptTimeoutError(opts.serverId, opts.timeoutMs, result));
      else if (stopReason === 'cancel') reject(new ScriptCancelledError(opts.serverId, true, result));
      else if (stopReason === 'detach') reject(new ScriptDetachedError(opts.serverId, true, result));
      else if (!exit) {
        reject(
          new TransportError(opts.serverId, 'running', `the connection to server ${opts.serverId} was lost while the script ran; it may have run partly`, {
            partial: result,
          }),
        );
      } else resolve(result);
    };
    channel.on('close', finish);

    if (opts.signal?.aborted) stop('cancel');
    else if (opts.detach?.aborted) detach();
    if (!opts.feed) {
      channel.end(frameScript(script));
      return;
    }
    channel.write(frameScript(script));
    opts.feed.attach(
      (text) => {
        if (!finished) channel.write(text);
      },
      () => {
        if (!finished) channel.end();
      },
    );
  });
}
