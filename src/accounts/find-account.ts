import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../entities/accounts/account.js';
import { NotFoundError } from '../errors/domain-error.js';
import { idOf } from '../schema/relay/global-id.js';

/**
 * Loads an account the EntityManager may see (a request's is scoped to the viewer), or fails with NOT_FOUND: the same
 * answer whether it exists or is hidden. `field` names the argument the id came in (a userError on it).
 */
export async function findAccount(em: EntityManager, globalId: string, field = 'id'): Promise<Account> {
  const account = await em.findOne(Account, { id: idOf('Account', globalId, field) });
  if (!account) throw new NotFoundError('Account', field);
  return account;
}
