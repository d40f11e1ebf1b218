import type { SearchAttributePair } from '@temporalio/common';
import { Operation } from '../../entities/orchestration/operation.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import { Server } from '../../entities/orchestration/server.js';
import type { Orm } from '../../db/orm.js';
import { noteHoldOnWaitingRuns, serverHold } from '../../orchestration/server-hold.js';
import {
  AccountSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute, ServerSearchAttribute, fittingKeywords, objectsSearchValue,
} from '../../temporal/search-attributes.js';
import type { ClaimedRun } from '../../workflows/contracts/orchestration.js';

/** At most this many waiting scripts go to one run workflow (a backlog); and at most this much script time. */
export const MAX_RUNS_PER_CLAIM = 20;
const MAX_TIMEOUT_PER_CLAIM_MS = 30 * 60_000;

/**
 * The server's next scripts in commit order (lowest ids still RECEIVED): the first, and while there is a backlog the
 * ones right after it, up to a bound, so one run workflow carries them in order. With the search attributes that
 * workflow carries. Cancelled (REVOKED) and empty (NOTHING) runs are never RECEIVED, so they are skipped. Nothing
 * while the server is on hold (host key not trusted or changed): its waiting scripts are told why instead.
 */
export function claimNextRunActivity(deps: { orm: Orm }) {
  return async function claimNextRun(serverId: string): Promise<ClaimedRun | null> {
    const em = deps.orm.em.fork();
    const server = await em.findOne(Server, { id: serverId }, { filters: false });
    if (!server) return null;
    const hold = serverHold(server);
    if (hold) {
      await noteHoldOnWaitingRuns(em, serverId, hold);
      return null;
    }
    const waiting = await em.find(
      ScriptRun,
      { server: serverId, state: RunState.RECEIVED },
      { orderBy: { id: 'asc' }, limit: MAX_RUNS_PER_CLAIM, fields: ['id', 'backend', 'timeoutMs'], filters: false },
    );
    if (waiting.length === 0) return null;
    const runs = [];
    let timeoutMs = 0;
    for (const run of waiting) {
      if (runs.length && timeoutMs + run.timeoutMs > MAX_TIMEOUT_PER_CLAIM_MS) break;
      runs.push(run);
      timeoutMs += run.timeoutMs;
    }
    const ops = await em.find(Operation, { run: { $in: runs.map((r) => r.id) } }, { orderBy: { id: 'asc' }, populate: ['batch'], filters: false });
    const distinct = (values: string[]) => fittingKeywords([...new Set(values.filter(Boolean))]);
    const searchAttributes: SearchAttributePair[] = [
      { key: ServerSearchAttribute, value: [server.name] },
      { key: BackendSearchAttribute, value: distinct(runs.map((r) => r.backend)) },
      { key: AccountSearchAttribute, value: distinct(ops.map((o) => o.accountUsername)) },
      { key: ObjectSearchAttribute, value: objectsSearchValue(ops) },
    ];
    const requestIds = [...new Set(ops.map((o) => o.batch.getEntity().requestId).filter((id): id is string => !!id))];
    const traceParent = ops[0]?.batch.getEntity().traceParent ?? undefined;
    return { runIds: runs.map((r) => r.id), timeoutMs, searchAttributes, requestIds, traceParent };
  };
}
