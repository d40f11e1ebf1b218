import type { SearchAttributePair } from '@temporalio/common';
import { Operation } from '../entities/orchestration/operation.js';
import { RunState } from '../entities/orchestration/run-state.js';
import { ScriptRun } from '../entities/orchestration/script-run.js';
import type { Orm } from '../db/orm.js';
import {
  AccountSearchAttribute, BackendSearchAttribute, ObjectSearchAttribute, ServerSearchAttribute,
} from '../temporal/search-attributes.js';
import type { ClaimedRun } from '../workflows/orchestration-types.js';

/**
 * The server's next script in commit order (lowest id still RECEIVED), with the search attributes its run workflow
 * carries. Cancelled (REVOKED) and empty (NOTHING) runs are never RECEIVED, so they are skipped.
 */
export function claimNextRunActivity(deps: { orm: Orm }) {
  return async function claimNextRun(serverId: string): Promise<ClaimedRun | null> {
    const em = deps.orm.em.fork();
    const run = await em.findOne(ScriptRun, { server: serverId, state: RunState.RECEIVED }, { orderBy: { id: 'asc' }, populate: ['server'] });
    if (!run) return null;
    const ops = await em.find(Operation, { run: run.id }, { orderBy: { id: 'asc' } });
    const accounts = [...new Set(ops.map((o) => o.accountUsername).filter(Boolean))];
    const objects = [...new Set(ops.map((o) => `${o.model}:${o.objectId}`))];
    const searchAttributes: SearchAttributePair[] = [
      { key: ServerSearchAttribute, value: run.server.getEntity().name },
      { key: BackendSearchAttribute, value: run.backend },
      ...(accounts.length ? [{ key: AccountSearchAttribute, value: accounts }] : []),
      { key: ObjectSearchAttribute, value: objects },
    ];
    return { runId: run.id, timeoutMs: run.timeoutMs, searchAttributes };
  };
}
