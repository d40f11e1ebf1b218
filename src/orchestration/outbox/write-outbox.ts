import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../../entities/accounts/account.js';
import { Batch } from '../../entities/orchestration/batch.js';
import { Operation } from '../../entities/orchestration/operation.js';
import { RunState } from '../../entities/orchestration/run-state.js';
import { ScriptRun } from '../../entities/orchestration/script-run.js';
import type { OperationInput } from '../types.js';
import type { PlannedGroup } from '../collector/plan.js';
import { noteWrittenBatch } from './outbox-binding.js';
import { lockServers, serversOf } from './server-locks.js';
import { currentLogContext } from '../../observability/log-context.js';
import { log } from '../../observability/logger.js';
import { activeTraceParent, inSpan } from '../../observability/tracing.js';

/**
 * Writes a batch, its operations and one script run per group, inside the committing transaction (the outbox):
 * they commit or roll back with the change itself, and the batch is started after commit. Returns the batch id.
 * Locks the groups' servers first (a caller that read snapshots has locked them before: see planUnderServerLocks).
 */
export function writeOutbox(em: EntityManager, groups: PlannedGroup[], actor: string): Promise<string> {
  return inSpan('outbox.write', { attributes: { 'orchestra.script_runs': groups.length } }, (span) =>
    writeBatch(em, groups, actor).then((batchId) => {
      span?.setAttribute('orchestra.batch_id', batchId);
      return batchId;
    }),
  );
}

async function writeBatch(em: EntityManager, groups: PlannedGroup[], actor: string): Promise<string> {
  await lockServers(em, serversOf(groups));
  const now = new Date();
  // The API request that caused it (if any): its id follows the batch into the workflows and their logs.
  const requestId = currentLogContext()?.requestId ?? null;
  // This span (tracing on): the batch's workflows, started after commit or later by the relay, continue its trace.
  const traceParent = activeTraceParent();
  const batchId = String(await em.insert(Batch, { actor, requestId, traceParent, createdAt: now, updatedAt: now }));
  const scriptRunIds: string[] = [];
  // An account deleted in this same transaction keeps its name on the operations but not the (dangling) reference.
  const accountIds = [...new Set(groups.flatMap((g) => g.operations.map((o) => o.account?.id)).filter((id): id is string => !!id))];
  const living = new Set(
    accountIds.length ? (await em.find(Account, { id: { $in: accountIds } }, { fields: ['id'], filters: false })).map((a) => a.id) : [],
  );
  for (const group of groups) {
    const runId = String(
      await em.insert(ScriptRun, {
        batch: batchId,
        server: group.server.id,
        backend: group.backend.name,
        script: '',
        timeoutMs: group.backend.timeoutMs,
        createdAt: now,
        updatedAt: now,
      }),
    );
    scriptRunIds.push(runId);
    const inputs: OperationInput[] = [];
    for (const op of group.operations) {
      const id = await em.insert(Operation, {
        batch: batchId,
        run: runId,
        server: group.server.id,
        account: op.account && living.has(op.account.id) ? op.account.id : null,
        accountUsername: op.account?.username ?? '',
        backend: op.backend.name,
        action: op.action,
        model: op.model,
        objectId: op.objectId,
        objectLabel: op.label.slice(0, 128),
        snapshot: op.snapshot,
        retryOf: op.retryOf ?? null,
        createdAt: now,
        updatedAt: now,
      });
      inputs.push({ operationId: String(id), action: op.action, model: op.model, objectId: op.objectId, snapshot: op.snapshot });
    }
    const script = group.backend.render(inputs);
    // Unfiltered: the committing EntityManager may carry a tenant scope that hides these admin-only rows.
    await em.nativeUpdate(ScriptRun, { id: runId }, { script, state: script ? RunState.RECEIVED : RunState.NOTHING }, { filters: false });
    if (!script) await em.nativeUpdate(Operation, { run: runId }, { state: RunState.NOTHING }, { filters: false });
  }
  noteWrittenBatch(em, batchId);
  log.info({ batchId, scriptRunIds }, 'batch written');
  return batchId;
}
