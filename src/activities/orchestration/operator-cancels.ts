import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import type { Attempt } from './claim-attempt.js';
import type { ClaimExec } from './claim-exec.js';

/**
 * What a cancellation of the attempt means for a claim's exec. It kills the section running only if an operator asked
 * for it (the intent is committed in the database before the queue cancels); a run cancelled before its section began
 * is skipped (REVOKED at once); anything else (a timeout, a shutdown, a cancel from the Temporal UI) detaches from the
 * exec. After a first cancel the queue's scope stays cancelled: a later operator's cancel only shows in the database,
 * so `recheck` (called on every progress tick) reads the intents again; as it does from the start for a claim no
 * queue signals about (`everyTick`: the activity's following claims, ./following-claims.ts).
 */
export function watchOperatorCancels(a: Attempt, exec: ClaimExec, read: { everyTick: boolean }): { recheck(): void; stop(): void } {
  const { ctx, em } = a;
  let cancelSeen = false;
  const readIntents = async () => {
    const open = exec.sections.filter((s) => !s.done).map((s) => s.run.id);
    if (!open.length) return false;
    const intents = await em.fork().find(ScriptRun, { id: { $in: open }, cancelRequestedAt: { $ne: null } }, { fields: ['cancelRequestedBy'], filters: false });
    for (const run of intents) {
      const i = exec.sections.findIndex((s) => s.run.id === run.id);
      if (exec.sections[i].done) continue;
      // Its word was sent: it runs (or is about to). Killing the exec stops it and every section after it.
      if (i < exec.sent) exec.killFor('cancel', i);
      else {
        exec.revoked.add(run.id);
        exec.settle(i, { state: RunState.REVOKED, exitCode: null, finishedAt: new Date(), lastError: `cancelled by ${run.cancelRequestedBy ?? 'an operator'}` });
      }
    }
    return intents.length > 0;
  };
  const onCancel = () => {
    cancelSeen = true;
    void readIntents().then(
      (any) => {
        // Only the queue cancels for an operator (cancelRun); a timed-out or unknown attempt must not go on.
        if (!any || !ctx.cancellationDetails?.cancelRequested) exec.detach.abort();
      },
      () => exec.detach.abort(),
    );
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel, { once: true });
  if (ctx.cancellationSignal.aborted) onCancel();
  return {
    recheck() {
      if ((cancelSeen || read.everyTick) && !exec.kill.signal.aborted && !exec.detach.signal.aborted) void readIntents().catch(() => undefined);
    },
    stop() {
      ctx.cancellationSignal.removeEventListener('abort', onCancel);
    },
  };
}
