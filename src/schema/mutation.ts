import type { EntityManager } from '@mikro-orm/postgresql';
import { bindUnitOfWork, DryRunRollback, type UnitOfWork } from '../orchestration/outbox/outbox-subscriber.js';
import type { PlannedGroup } from '../orchestration/collector/plan.js';
import { renderPlan, type RenderedPlan } from '../orchestration/collector/render-plan.js';
import type { Operation } from '../entities/orchestration/operation.js';
import { actorOf, operationsOfBatches } from './orchestration/batch-operations.js';
import type { Context } from './context.js';
import { userErrorsOf, type UserError } from './user-input-error.js';

/**
 * The `dryRun` argument of mutations that change what runs on servers. The audit middleware copies it into the
 * context (`ctx.dryRun`), where runMutation reads it: resolvers only declare it.
 */
export const DRY_RUN = {
  defaultValue: false,
  description: 'Plan only: return the scripts this change would run and where (`plan`), and save nothing.',
};

export interface MutationOptions {
  /** Plan the operations, then roll everything back: nothing is saved or run. */
  dryRun?: boolean;
}

/**
 * Runs a mutation's body in one transaction, with the operations it implies written in that same transaction (the
 * outbox, src/orchestration/outbox). An expected failure (a UserInputError from validation, an unknown, hidden or
 * malformed id: see userErrorsOf) rolls everything back and becomes the payload's `userErrors`, so a rejected mutation
 * never leaves anything half-written. The batches written are returned as
 * `batchIds`; a dry run returns its plan instead and rolls back.
 */
export async function runMutation<T extends object>(
  ctx: Context,
  body: (em: EntityManager) => Promise<T>,
  options: MutationOptions = {},
): Promise<Partial<T> & { userErrors: UserError[]; batchIds: string[]; operations: Operation[]; plan: RenderedPlan[] | null }> {
  const uow: UnitOfWork = { actor: actorOf(ctx), batchIds: [] };
  let plan: PlannedGroup[] | null = null;
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  if (dryRun) uow.dryRun = (groups) => (plan = groups);
  let result: T | undefined;
  try {
    await ctx.em.transactional(async (em) => {
      bindUnitOfWork(em as EntityManager, uow);
      result = await body(em as EntityManager);
    });
  } catch (err) {
    const userErrors = userErrorsOf(err);
    if (userErrors) return { userErrors, batchIds: [], operations: [], plan: null } as never;
    // A dry run ends here, rolled back by the collector once it had the plan (or with no plan: nothing to run).
    if (!(err instanceof DryRunRollback)) throw err;
  }
  if (dryRun) {
    return { ...(result as T), userErrors: [], batchIds: [], operations: [], plan: renderPlan(plan ?? []) };
  }
  return { ...(result as T), userErrors: [], batchIds: uow.batchIds, operations: await operationsOfBatches(ctx, uow.batchIds), plan: null };
}
