import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditOutcome } from '../entities/audit/audit-entry.js';
import type { Actor } from '../use-cases/actor.js';
import type { AuditNote } from './audit-note.js';
import { addCommitRider, type CommitRider } from '../db/commit-riders.js';

/**
 * One audit entry as one insert: who did what (`operation`) to which objects, and how it ended. Never values. (It was
 * a count and an ORM insert, for every mutation.) The columns are AuditEntry's. The account may not exist (a dry run
 * or a failure rolled its creation back): its name is kept, not the reference.
 */
function auditEntryInsert(actor: Actor, operation: string, note: AuditNote, changedFields: string[], outcome: AuditOutcome): CommitRider {
  const now = new Date().toISOString();
  return {
    sql: `insert into "audit_entry" ("account_id", "account_username", "user_id", "actor", "api_token_id", "operation", "object_ids", "changed_fields",
                                     "outcome", "client_address", "user_agent", "created_at", "updated_at")
          select (select a."id" from "account" a where a."id" = ?), ?, ?, ?, ?, ?,
                 array(select v from json_array_elements_text(?::json) with ordinality as t(v, n) order by n),
                 array(select v from json_array_elements_text(?::json) with ordinality as t(v, n) order by n),
                 ?::audit_outcome, ?, ?, ?::timestamptz, ?::timestamptz`,
    params: [
      note.accountId,
      note.accountUsername,
      actor.userId,
      actor.name.slice(0, 32),
      actor.apiTokenId,
      operation,
      JSON.stringify(note.objectIds),
      JSON.stringify(changedFields),
      outcome,
      actor.clientAddress,
      actor.userAgent?.slice(0, 256) ?? null,
      now,
      now,
    ],
  };
}

/** Writes one audit entry now, in a statement of its own. */
export async function recordAudit(em: EntityManager, actor: Actor, operation: string, note: AuditNote, changedFields: string[], outcome: AuditOutcome): Promise<void> {
  const entry = auditEntryInsert(actor, operation, note, changedFields, outcome);
  await em.getConnection().execute(entry.sql, entry.params, 'run', em.getTransactionContext());
  note.recorded = true;
}

/**
 * Writes the entry of a change in the change's own transaction, at its commit: carried by the statement the commit
 * sends anyway (the outbox's rows; src/db/commit-riders.ts), else in one of its own just before the commit. Taken
 * after every flush of the change, so the entry sees its rows (an account it created or deleted).
 */
export async function recordAuditAtCommit(em: EntityManager, actor: Actor, operation: string, note: AuditNote, changedFields: string[], outcome: AuditOutcome): Promise<void> {
  await addCommitRider(em, auditEntryInsert(actor, operation, note, changedFields, outcome));
  note.recorded = true;
}
