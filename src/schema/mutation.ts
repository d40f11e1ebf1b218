import type { Operation } from '../entities/orchestration/operation.js';
import type { UserError } from '../errors/user-input-error.js';
import { isUnsavedId } from '../db/unsaved-ids.js';
import { renderPlan, type RenderedPlan } from '../orchestration/collector/render-plan.js';
import { runUseCase } from '../use-cases/run-use-case.js';
import type { UseCase } from '../use-cases/use-case.js';
import { actorOf, operationsOfBatches } from './orchestration/batch-operations.js';
import type { Context } from './context.js';

/**
 * The `dryRun` argument of mutations that change what runs on servers. The audit wrapper of mutation root fields
 * copies it into the context (`ctx.dryRun`), where runMutation reads it: resolvers only declare it.
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
 * A mutation as a use case (src/use-cases/run-use-case.ts) run for the viewer, named after the mutation field: one
 * transaction with its outbox, `userErrors` for what was refused, the audit entry. Adds what a payload shows: the
 * operations the commit started, or a dry run's plan (the objects it would create are null in the payload and plan:
 * they have no id, they were never saved).
 */
export async function runMutation<T extends object>(
  ctx: Context,
  body: (uc: UseCase) => Promise<T>,
  options: MutationOptions = {},
): Promise<Partial<T> & { userErrors: UserError[]; batchIds: string[]; operations: Operation[] | Promise<Operation[]>; plan: PayloadPlan[] | null; dryRun: boolean }> {
  const dryRun = options.dryRun ?? ctx.dryRun ?? false;
  const outcome = await runUseCase(ctx.em, actorOf(ctx), ctx.mutation?.name ?? 'mutation', body, { dryRun, audit: ctx.audit, inputFields: ctx.mutation?.inputFields });
  const { result, userErrors, batchIds } = outcome;
  if (userErrors.length) return { userErrors, batchIds: [], operations: [], plan: null, dryRun } as never;
  if (dryRun) {
    const plan = renderPlan(outcome.plan ?? []).map((group) => ({
      ...group,
      operations: group.operations.map((op) => ({ ...op, objectId: isUnsavedId(op.objectId) ? null : op.objectId })),
    }));
    return { ...withoutUnsaved(result as T), userErrors: [], batchIds: [], operations: [], plan, dryRun };
  }
  return withOperations({ ...(result as T), userErrors: [], batchIds, plan: null, dryRun }, () => operationsOfBatches(ctx, batchIds));
}

/**
 * The payload's `operations`, read from the database when first asked for (a getter: GraphQL reads it only when the
 * query selects it, a resolver by awaiting it). Most clients changing an object select the object and userErrors:
 * reading and hydrating the operations for them was one statement and a tenth of the API's CPU per change.
 */
function withOperations<P extends object>(payload: P, load: () => Promise<Operation[]>): P & { operations: Promise<Operation[]> } {
  let operations: Promise<Operation[]> | undefined;
  return Object.defineProperty(payload, 'operations', { enumerable: true, get: () => (operations ??= load()) }) as P & { operations: Promise<Operation[]> };
}

/** A dry run's result, with null for each object it would have created: it has no id, it was never saved. */
function withoutUnsaved<T extends object>(result: T): T {
  const unsaved = (value: unknown) => typeof value === 'object' && value !== null && 'id' in value && isUnsavedId(String(value.id));
  return Object.fromEntries(Object.entries(result).map(([key, value]) => [key, unsaved(value) ? null : value])) as T;
}
