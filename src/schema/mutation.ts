import type { EntityManager } from '@mikro-orm/postgresql';
import { bindUnitOfWork, DryRunRollback, type UnitOfWork } from '../orchestration/outbox/outbox-subscriber.js';
import type { PlannedGroup } from '../orchestration/collector/plan.js';
import { renderPlan, type RenderedPlan } from '../orchestration/collector/render-plan.js';
import type { Operation } from '../entities/orchestration/operation.js';
import { actorOf, operationsOfBatches } from './orchestration/batch-operations.js';
import type { Context } from './context.js';
import { userErrorsOf, type UserError } from './user-input-error.js';
import { insertAsUnsaved, isUnsavedId } from '../db/unsaved-ids.js';
import { fromGlobalId } from './relay/global-id.js';

/**
 * The `dryRun` argument of mutations that change what runs on servers. The audit middleware copies it into the
 * context (`ctx.dryRun`), where runMutation reads it: resolvers only declare it.
 */
export const DRY_RUN = {
  defaultValue: false,
  description: 'Plan only: return the scripts this change would run and where (`plan`), and save nothing.',
};

/** A plan as a payload shows it: an object the change would create has no id (null). */
type PlannedOperation = RenderedPlan['operations'][number];
type PayloadPlan = Omit<RenderedPlan, 'operations'> & { operations: (Omit<PlannedOperation, 'objectId'> & { objectId: string | null })[] };

export interface MutationOptions {
  /** Plan the operations, then roll everything back: nothing is saved or run. */
  dryRun?: boolean;
}

/**
 * Runs a mutation's body in one transaction, with the operations it implies written in that same transaction (the
 * outbox, src/orchestration/outbox). An expected failure (a UserInputError from validation, an unknown, hidden or
 * malformed id: see userErrorsOf) rolls everything back and becomes the payload's `userErrors`, so a rejected mutation
 * never leaves anything half-written. The batches written are returned as
 * `batchIds`; a dry run returns its plan instead and rolls back (`dryRun: true`): the objects it would create are
 * null in its payload and plan, and it takes no id from any sequence (src/db/unsaved-ids.ts).
 */
export async function runMutation<T extends object>(
  ctx: Context,
  body: (em: EntityManager) => Promise<T>,
  options: MutationOptions = {},
): Promise<Partial<T> & { userErrors: UserError[]; batchIds: string[]; operations: Operation[]; plan: PayloadPlan[] | null; dryRun: boolean }> {
  const uow: UnitOfWork = { actor: actorOf(ctx), batchIds: [] };
  let planned: PlannedGroup[] | null = null;
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  if (dryRun) uow.dryRun = (groups) => (planned = groups);
  let result: T | undefined;
  try {
    await ctx.em.transactional(async (em) => {
      bindUnitOfWork(em as EntityManager, uow);
      if (dryRun) insertAsUnsaved(em as EntityManager);
      result = await body(em as EntityManager);
    });
  } catch (err) {
    const userErrors = userErrorsOf(err);
    if (userErrors) return { userErrors, batchIds: [], operations: [], plan: null, dryRun } as never;
    // A dry run ends here, rolled back by the collector once it had the plan (or with no plan: nothing to run).
    if (!(err instanceof DryRunRollback)) throw err;
  }
  if (dryRun) {
    ctx.audit.objectIds = ctx.audit.objectIds.filter((id) => !namesUnsaved(id));
    const plan = renderPlan(planned ?? []).map((group) => ({
      ...group,
      operations: group.operations.map((op) => ({ ...op, objectId: isUnsavedId(op.objectId) ? null : op.objectId })),
    }));
    return { ...withoutUnsaved(result as T), userErrors: [], batchIds: [], operations: [], plan, dryRun };
  }
  return { ...(result as T), userErrors: [], batchIds: uow.batchIds, operations: await operationsOfBatches(ctx, uow.batchIds), plan: null, dryRun };
}

/** A dry run's result, with null for each object it would have created: it has no id, it was never saved. */
function withoutUnsaved<T extends object>(result: T): T {
  const unsaved = (value: unknown) => typeof value === 'object' && value !== null && 'id' in value && isUnsavedId(String(value.id));
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, unsaved(value) ? null : value])) as T;
}

function namesUnsaved(globalId: string): boolean {
  try {
    return isUnsavedId(fromGlobalId(globalId).id);
  } catch {
    return false;
  }
}
