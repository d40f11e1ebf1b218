import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditOutcome } from '../entities/audit/audit-entry.js';
import type { Actor } from '../use-cases/actor.js';
import type { AuditNote } from './audit-note.js';

/**
 * Writes one audit entry: who did what (`operation`) to which objects, and how it ended. Never values. One statement
 * (it was a count and an ORM insert, for every mutation); the columns are AuditEntry's.
 */
export async function recordAudit(em: EntityManager, actor: Actor, operation: string, note: AuditNote, changedFields: string[], outcome: AuditOutcome): Promise<void> {
  const now = new Date().toISOString();
  // The account may not exist (a dry run or a failure rolled its creation back): keep its name, not the reference.
  await em.getConnection().execute(
    `insert into "audit_entry" ("account_id", "account_username", "user_id", "actor", "api_token_id", "operation", "object_ids", "changed_fields",
                                "outcome", "client_address", "user_agent", "created_at", "updated_at")
     select (select a."id" from "account" a where a."id" = ?), ?, ?, ?, ?, ?,
            array(select v from json_array_elements_text(?::json) with ordinality as t(v, n) order by n),
            array(select v from json_array_elements_text(?::json) with ordinality as t(v, n) order by n),
            ?::audit_outcome, ?, ?, ?::timestamptz, ?::timestamptz`,
    [
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
    'run',
    em.getTransactionContext(),
  );
  note.recorded = true;
}
