import type { EntityManager } from '@mikro-orm/postgresql';
import type { RunState } from '../../entities/orchestration/run-state.js';
import type { PlannedGroup, PlannedOperation } from '../collector/plan.js';
import { unsavedIdsFor } from '../../db/unsaved-ids.js';
import { takeCommitRiders } from '../../db/commit-riders.js';

/** The ids of a batch's rows, handed out before they are written (the scripts name their operations' ids). */
export interface OutboxIds {
  batch: string;
  /** Ascending as numbers: a server's runs of one batch keep the groups' order in its queue. */
  runs: string[];
  operations: string[];
}

/** How many rows of each kind a batch has. */
export interface OutboxSize {
  runs: number;
  operations: number;
}

/** A batch's size: a run per group, its operations. */
export const sizeOf = (groups: readonly PlannedGroup[]): OutboxSize => ({ runs: groups.length, operations: groups.reduce((n, g) => n + g.operations.length, 0) });

/** The columns that name a batch's ids, as `reserve_outbox_ids` (migration 20261130130000) and the lock statement return them. */
export const OUTBOX_ID_COLUMNS = 'batch_id::text as batch, run_ids::text[] as runs, operation_ids::text[] as operations';

/**
 * One statement: the next values of the three tables' sequences (`reserve_outbox_ids`: each list ascending as numbers,
 * where sorted as text 10 came before 9 and a crontab's run before its user's), or ids from the reserved range in a
 * dry run (src/db/unsaved-ids.ts: a dry run consumes no id).
 */
export async function reserveOutboxIds(em: EntityManager, { runs, operations }: OutboxSize): Promise<OutboxIds> {
  const unsaved = unsavedIdsFor(em, 1 + runs + operations);
  if (unsaved) return { batch: unsaved[0], runs: unsaved.slice(1, 1 + runs), operations: unsaved.slice(1 + runs) };
  const [ids] = await em.getConnection().execute<OutboxIds[]>(
    `select ${OUTBOX_ID_COLUMNS} from reserve_outbox_ids(?, ?)`,
    [runs, operations],
    'all',
    em.getTransactionContext(),
  );
  return ids;
}

export interface BatchRows {
  id: string;
  actor: string;
  requestId: string | null;
  traceParent: string | null;
  now: Date;
  /** Written at the commit (the collector's batch): the statement also carries what the transaction owes then. */
  atCommit: boolean;
  runs: { id: string; group: PlannedGroup; script: string; state: RunState; operations: (PlannedOperation & { id: string })[] }[];
}

/**
 * The batch, its script runs and its operations in one statement (rows as JSON: the statement's text does not grow
 * with its parameters' count). An operation's account is kept only if it still exists — one deleted in this same
 * transaction keeps its name on the operation, not the dangling reference. Foreign keys between the three are
 * checked at the statement's end, when all are in. Written at the commit, it also carries what the transaction owes
 * then (its audit entry, billing's read: src/db/commit-riders.ts), as more `with` items: a round trip each fewer.
 */
export async function insertBatchRows(em: EntityManager, batch: BatchRows): Promise<void> {
  const runs = batch.runs.map((r) => ({
    id: r.id,
    server_id: r.group.server.id,
    backend: r.group.backend.name,
    script: r.script,
    timeout_ms: r.group.backend.timeoutMs,
    state: r.state,
  }));
  const operations = batch.runs.flatMap((r) =>
    r.operations.map((op) => ({
      id: op.id,
      run_id: r.id,
      server_id: r.group.server.id,
      account_id: op.account?.id ?? null,
      account_username: op.account?.username ?? '',
      backend: op.backend.name,
      action: op.action,
      model: op.model,
      object_id: op.objectId,
      object_label: op.label.slice(0, 128),
      snapshot: op.snapshot,
      state: r.state,
      retry_of_id: op.retryOf ?? null,
    })),
  );
  const now = batch.now.toISOString();
  const tx = em.getTransactionContext();
  const riders = takeCommitRiders(batch.atCommit ? tx : undefined);
  const [row] = await em.getConnection().execute<Record<string, unknown>[]>(
    `with b as (
       insert into "batch" ("id", "actor", "request_id", "trace_parent", "created_at", "updated_at")
       values (?, ?, ?, ?, ?::timestamptz, ?::timestamptz)
     ), r as (
       insert into "script_run" ("id", "batch_id", "server_id", "backend", "script", "timeout_ms", "state", "created_at", "updated_at")
       select x.id, ?, x.server_id, x.backend, x.script, x.timeout_ms, x.state::run_state, ?::timestamptz, ?::timestamptz
         from json_to_recordset(?::json) as x(id bigint, server_id bigint, backend text, script text, timeout_ms int, state text)
     ), o as (
       insert into "operation" ("id", "batch_id", "run_id", "server_id", "account_id", "account_username", "backend", "action", "model",
                                "object_id", "object_label", "snapshot", "state", "retry_of_id", "created_at", "updated_at")
       select x.id, ?, x.run_id, x.server_id, a.id, x.account_username, x.backend, x.action, x.model,
              x.object_id, x.object_label, x.snapshot, x.state::run_state, x.retry_of_id, ?::timestamptz, ?::timestamptz
         from json_to_recordset(?::json) as x(id bigint, run_id bigint, server_id bigint, account_id bigint, account_username text, backend text,
                                              action text, model text, object_id bigint, object_label text, snapshot jsonb, state text, retry_of_id bigint)
         left join "account" a on a.id = x.account_id
     )${riders.withItems}
     select ${riders.select}`,
    [
      ...[batch.id, batch.actor, batch.requestId, batch.traceParent, now, now, batch.id, now, now, JSON.stringify(runs), batch.id, now, now, JSON.stringify(operations)],
      ...riders.params,
    ],
    'all',
    tx,
  );
  riders.deliver(row);
}
