import type { EntityManager } from '@mikro-orm/postgresql';
import { emptyAuditNote, type AuditNote } from '../audit/audit-note.js';
import { recordAudit, recordAuditAtCommit } from '../audit/record-audit.js';
import { insertAsUnsaved, isUnsavedId } from '../db/unsaved-ids.js';
import { AuditOutcome } from '../entities/audit/audit-entry.js';
import { userErrorsOf, type UserError } from '../errors/user-input-error.js';
import type { PlannedGroup } from '../orchestration/collector/plan.js';
import { bindOutbox, type OutboxBinding } from '../orchestration/outbox/outbox-binding.js';
import { DryRunRollback } from '../orchestration/outbox/outbox-subscriber.js';
import { fromGlobalId } from '../schema/relay/global-id.js';
import type { Actor } from './actor.js';
import type { UseCase } from './use-case.js';

export interface UseCaseOptions {
  /** Plan the operations, then roll everything back: nothing is saved or run. */
  dryRun?: boolean;
  /** The note the use case fills (the GraphQL context's, so resolvers may add to it); a fresh one by default. */
  audit?: AuditNote;
  /** The changed field names the audit log records when the use case does not say (the input's field names). */
  inputFields?: readonly string[];
}

export interface UseCaseOutcome<T> {
  /** Undefined when it was refused (`userErrors`). */
  result: T | undefined;
  userErrors: UserError[];
  /** The batches its commit wrote (started after commit by the outbox's starter, or later by the relay). */
  batchIds: string[];
  /** A dry run's plan (null otherwise). */
  plan: PlannedGroup[] | null;
  dryRun: boolean;
}

/**
 * Runs a use case in one transaction, with the operations it implies written in that same transaction (the outbox,
 * src/orchestration/outbox), and records it in the audit log as `name`, whoever called: a resolver, the CLI, a
 * scheduled workflow. A change that commits has its entry in that same transaction; a refused, failed or dry run one
 * gets its entry after the rollback. An expected failure (a UserInputError, an unknown, hidden or malformed id: see userErrorsOf)
 * rolls everything back and becomes `userErrors`, so a refused change never leaves anything half-written. A dry run
 * plans, rolls back, and takes no id from any sequence (src/db/unsaved-ids.ts).
 */
export async function runUseCase<T>(
  em: EntityManager,
  actor: Actor,
  name: string,
  body: (uc: UseCase) => Promise<T>,
  options: UseCaseOptions = {},
): Promise<UseCaseOutcome<T>> {
  const audit = options.audit ?? emptyAuditNote();
  const dryRun = options.dryRun ?? false;
  const binding: OutboxBinding = { actor: actor.name, batchIds: [] };
  let planned: PlannedGroup[] | null = null;
  if (dryRun) binding.dryRun = (groups) => (planned = groups);
  let result: T | undefined;
  let userErrors: UserError[] = [];
  let outcome = AuditOutcome.ERROR;
  // Read when the entry is written: the use case may have named its changed fields by then.
  const changedFields = () => audit.changedFields ?? [...(options.inputFields ?? [])];
  try {
    await em.transactional(async (tx) => {
      bindOutbox(tx as EntityManager, binding);
      if (dryRun) insertAsUnsaved(tx as EntityManager);
      result = await body({ em: tx as EntityManager, actor, audit });
      if (!dryRun) {
        // The entry of a change that commits is written in its transaction: one commit (one WAL flush) per change
        // instead of two, and no entry without its change. At the commit, in the statement that writes the outbox's
        // rows when there are any (no round trip of its own), so the entry sees every row the change wrote (an
        // account it created or deleted).
        await tx.flush();
        await recordAuditAtCommit(tx as EntityManager, actor, name, audit, changedFields(), AuditOutcome.OK);
      }
    });
    outcome = AuditOutcome.OK;
  } catch (err) {
    const expected = userErrorsOf(err);
    if (expected) {
      userErrors = expected;
      outcome = AuditOutcome.REJECTED;
    } else if (err instanceof DryRunRollback) {
      // A dry run ends here, rolled back by the collector once it had the plan.
      outcome = AuditOutcome.OK;
    } else {
      throw err;
    }
  } finally {
    // A refused, failed or dry run change rolled its transaction back, and the entry with it: written on its own.
    const committedWithEntry = !dryRun && outcome === AuditOutcome.OK;
    if (!committedWithEntry) {
      if (dryRun) audit.objectIds = audit.objectIds.filter((id) => !namesUnsaved(id));
      await recordAudit(em.fork(), actor, dryRun ? `${name} (dry run)` : name, audit, changedFields(), outcome);
    }
  }
  if (userErrors.length) return { result: undefined, userErrors, batchIds: [], plan: null, dryRun };
  return { result, userErrors, batchIds: dryRun ? [] : binding.batchIds, plan: dryRun ? (planned ?? []) : null, dryRun };
}

/** Whether a global id names an object a dry run only pretended to create. */
function namesUnsaved(globalId: string): boolean {
  try {
    return isUnsavedId(fromGlobalId(globalId).id);
  } catch {
    return false;
  }
}
