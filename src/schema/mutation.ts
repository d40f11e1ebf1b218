import type { EntityManager } from '@mikro-orm/postgresql';
import { bindUnitOfWork, DryRunRollback, type UnitOfWork } from '../orchestration/outbox/outbox-subscriber.js';
import type { PlannedGroup } from '../orchestration/collector/plan.js';
import type { Context } from './context.js';
import { UserInputError, type UserError } from './user-input-error.js';

export interface MutationOptions {
  /** Plan the operations, then roll everything back: nothing is saved or run. */
  dryRun?: boolean;
}

/**
 * Runs a mutation's body in one transaction, with the operations it implies written in that same transaction (the
 * outbox, src/orchestration/outbox). A UserInputError (validation) rolls everything back and becomes the payload's
 * `userErrors`, so a rejected mutation never leaves anything half-written. The batches written are returned as
 * `batchIds`; a dry run returns its plan instead and rolls back.
 */
export async function runMutation<T extends object>(
  ctx: Context,
  body: (em: EntityManager) => Promise<T>,
  options: MutationOptions = {},
): Promise<Partial<T> & { userErrors: UserError[]; batchIds: string[]; plan: PlannedGroup[] | null }> {
  const uow: UnitOfWork = { actor: ctx.viewer.kind === 'user' ? ctx.viewer.username : 'anonymous', batchIds: [] };
  let plan: PlannedGroup[] | null = null;
  if (options.dryRun) uow.dryRun = (groups) => (plan = groups);
  let result: T | undefined;
  try {
    await ctx.em.transactional(async (em) => {
      bindUnitOfWork(em as EntityManager, uow);
      result = await body(em as EntityManager);
    });
  } catch (err) {
    if (err instanceof UserInputError) return { userErrors: err.errors, batchIds: [], plan: null } as never;
    // A dry run ends here, rolled back by the collector once it had the plan (or with no plan: nothing to run).
    if (!(err instanceof DryRunRollback)) throw err;
  }
  if (options.dryRun) plan ??= [];
  return { ...(result as T), userErrors: [], batchIds: uow.batchIds, plan };
}
