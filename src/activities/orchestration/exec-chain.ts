import type { ScriptResult } from '../../orchestration/types.js';
import { log } from '../../observability/logger.js';
import type { ClaimExec } from './claim-exec.js';

/** How an exec ended: its runner's result or what it threw. */
export type ExecEnded = { result: ScriptResult } | { error: unknown };

/** An exec under way and how it will end (never rejects). */
export interface OpenExec {
  exec: ClaimExec;
  ended: Promise<ExecEnded>;
}

/** How long closing an idle exec may take (its output copies written out) before the worker stops waiting for it. */
const CLOSE_WAIT_MS = 10_000;

/**
 * The exec a runScript activity keeps open between its claims (issue 17): its queue's claim and its following claims
 * (./following-claims.ts) run as groups of ONE exec, so the exec's fixed cost on the server — the SSH session, the
 * wrapper's bash, the server lock, the output copies — is paid once per activity, not once per claim. An exec that
 * ended (a timeout or a cancel killed it, the connection was lost) is replaced by a new one for the next claim; a
 * claim that would not end before `deadline` gets an exec of its own.
 */
export class ExecChain {
  private open: OpenExec | null = null;

  /** `deadline`: epoch ms by which the chain's exec must have ended (inside the activity's start-to-close timeout). */
  constructor(readonly deadline: number) {}

  /**
   * The exec waiting for a further claim of server `serverId` whose scripts take at most `scriptsMs`, if there is one.
   * A following claim always fits: it is bounded by the activity's start-to-close timeout less more room than the
   * deadline's (./following-claims.ts).
   */
  takes(serverId: string, scriptsMs: number): OpenExec | null {
    const open = this.open;
    if (!open || open.exec.ended || open.exec.server.id !== serverId || Date.now() + scriptsMs > this.deadline) return null;
    return open;
  }

  /** The exec the next claims go to. */
  keep(open: OpenExec): void {
    this.open = open;
  }

  /** Ends the exec waiting for a further claim, if any, and waits for it to finish (errors are logged: its runs are settled). */
  async close(): Promise<void> {
    const open = this.open;
    this.open = null;
    if (!open || open.exec.ended) return;
    open.exec.close();
    const stuck = setTimeout(() => open.exec.detach.abort(), CLOSE_WAIT_MS);
    try {
      const end = await open.ended;
      if ('error' in end) log.warn({ err: end.error instanceof Error ? end.error.message : String(end.error) }, 'an idle exec ended with an error');
    } finally {
      clearTimeout(stuck);
    }
  }
}
