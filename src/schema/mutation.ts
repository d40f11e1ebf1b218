import type { EntityManager } from '@mikro-orm/postgresql';
import type { Context } from './context.js';
import { UserInputError, type UserError } from './user-input-error.js';

/**
 * Runs a mutation's body in one transaction. A UserInputError (validation) rolls everything back and becomes the
 * payload's `userErrors`, so a rejected mutation never leaves anything half-written.
 */
export async function runMutation<T extends object>(
  ctx: Context,
  body: (em: EntityManager) => Promise<T>,
): Promise<Partial<T> & { userErrors: UserError[] }> {
  try {
    const result = await ctx.em.transactional((em) => body(em as EntityManager));
    return { ...result, userErrors: [] };
  } catch (err) {
    if (err instanceof UserInputError) return { userErrors: err.errors } as Partial<T> & { userErrors: UserError[] };
    throw err;
  }
}
