import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../entities/accounts/account.js';
import { AuditEntry, type AuditOutcome } from '../entities/audit/audit-entry.js';
import type { Actor } from '../use-cases/actor.js';
import type { AuditNote } from './audit-note.js';

/** Writes one audit entry: who did what (`operation`) to which objects, and how it ended. Never values. */
export async function recordAudit(em: EntityManager, actor: Actor, operation: string, note: AuditNote, changedFields: string[], outcome: AuditOutcome): Promise<void> {
  // The account may not exist (a dry run or a failure rolled its creation back): keep its name, not the reference.
  const accountExists = note.accountId !== null && (await em.count(Account, { id: note.accountId }, { filters: false })) > 0;
  await em.insert(AuditEntry, {
    account: accountExists ? note.accountId : null,
    accountUsername: note.accountUsername,
    userId: actor.userId,
    actor: actor.name.slice(0, 32),
    apiTokenId: actor.apiTokenId,
    operation,
    objectIds: note.objectIds,
    changedFields,
    outcome,
    clientAddress: actor.clientAddress,
    userAgent: actor.userAgent?.slice(0, 256) ?? null,
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  note.recorded = true;
}
