import type { EntityManager } from '@mikro-orm/postgresql';
import { RunState } from '../../entities/orchestration/run-state.js';
import type { OperationInput } from '../types.js';
import type { PlannedGroup } from '../collector/plan.js';
import { noteWrittenBatch } from './outbox-binding.js';
import { lockServers, serversOf, takeReservedIds } from './server-locks.js';
import { insertBatchRows, reserveOutboxIds, sizeOf } from './outbox-rows.js';
import { currentLogContext } from '../../observability/log-context.js';
import { log } from '../../observability/logger.js';
import { activeTraceParent, inSpan } from '../../observability/tracing.js';

/**
 * Writes a batch, its operations and one script run per group, inside the committing transaction (the outbox):
 * they commit or roll back with the change itself, and the batch is started after commit. Returns the batch id.
 * Locks the groups' servers first (a caller that read snapshots has locked them before: see planUnderServerLocks).
 * `atCommit` (the collector, just before the commit): the rows' statement carries what the transaction owes then.
 */
export function writeOutbox(em: EntityManager, groups: PlannedGroup[], actor: string, { atCommit = false } = {}): Promise<string> {
  return inSpan('outbox.write', { attributes: { 'orchestra.script_runs': groups.length } }, (span) =>
    writeBatch(em, groups, actor, atCommit).then((batchId) => {
      span?.setAttribute('orchestra.batch_id', batchId);
      return batchId;
    }),
  );
}

/**
 * Two statements whatever the batch's size: its ids (taken under the servers' locks, so a server's runs are numbered
 * in commit order), then every row at once. Scripts are rendered in between, from the operations' ids, so a run is
 * inserted with its script and state rather than updated after. (Before: one ORM insert per run and per operation
 * and an update per run — seven statements for a one-line change, each built by the ORM.)
 */
async function writeBatch(em: EntityManager, groups: PlannedGroup[], actor: string, atCommit: boolean): Promise<string> {
  await lockServers(em, serversOf(groups));
  const now = new Date();
  // Ids the lock statement reserved for this very plan (planUnderServerLocks), or one statement of their own.
  const ids = takeReservedIds(groups) ?? (await reserveOutboxIds(em, sizeOf(groups)));
  let nextOperation = 0;
  const runs = groups.map((group, i) => {
    const operations = group.operations.map((op) => ({ ...op, id: ids.operations[nextOperation++] }));
    const inputs: OperationInput[] = operations.map((op) => ({ operationId: op.id, action: op.action, model: op.model, objectId: op.objectId, snapshot: op.snapshot }));
    const script = group.backend.render(inputs);
    return { id: ids.runs[i], group, script, state: script ? RunState.RECEIVED : RunState.NOTHING, operations };
  });
  await insertBatchRows(em, {
    id: ids.batch,
    actor,
    // The API request that caused it (if any): its id follows the batch into the workflows and their logs.
    requestId: currentLogContext()?.requestId ?? null,
    // This span (tracing on): the batch's workflows, started after commit or later by the relay, continue its trace.
    traceParent: activeTraceParent(),
    now,
    atCommit,
    runs,
  });
  // The servers whose queues the commit wakes: those with a script to run (a NOTHING run is never claimed).
  const servers = runs.filter((r) => r.state === RunState.RECEIVED).map((r) => ({ id: r.group.server.id, name: r.group.server.name }));
  noteWrittenBatch(em, ids.batch, servers);
  log.info({ batchId: ids.batch, scriptRunIds: ids.runs }, 'batch written');
  return ids.batch;
}
