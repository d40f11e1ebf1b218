import { Operation } from '../../entities/orchestration/operation.js';
import type { Context } from '../context.js';
import type { Actor } from '../../use-cases/actor.js';

/** The operations of batches just written, as the viewer may see them, in commit order. */
export async function operationsOfBatches(ctx: Context, batchIds: readonly string[]): Promise<Operation[]> {
  if (batchIds.length === 0) return [];
  return ctx.em.fork().find(Operation, { batch: { $in: [...batchIds] } }, { orderBy: { id: 'asc' } });
}

/**
 * Starts batches written outside the collector (retries, syncs), which has no after-commit start for them; a start
 * that fails is a warning, not an error: the relay starts them later. Returns their operations.
 */
export async function startWrittenBatches(ctx: Context, batchIds: readonly string[]): Promise<{ operations: Operation[]; warnings: string[] }> {
  const warnings: string[] = [];
  for (const batchId of batchIds) {
    await ctx.starter.start(batchId).catch((err: unknown) => warnings.push(`not started yet (the relay will): ${String(err)}`));
  }
  return { operations: await operationsOfBatches(ctx, batchIds), warnings };
}

/** Who a request's use cases act for: the viewer, from where; an anonymous caller (log-in) by the name it tried. */
export function actorOf(ctx: Context): Actor {
  const viewer = ctx.viewer;
  return {
    name: viewer.kind === 'user' ? viewer.username : (ctx.mutation?.attemptedUsername ?? 'anonymous'),
    userId: viewer.kind === 'user' ? viewer.userId : null,
    apiTokenId: viewer.kind === 'user' ? viewer.apiTokenId : null,
    accountId: viewer.kind === 'user' ? viewer.accountId : null,
    isAdmin: viewer.kind === 'user' && viewer.isAdmin,
    clientAddress: ctx.request.clientAddress,
    userAgent: ctx.request.userAgent,
  };
}
