import type { EntityManager } from '@mikro-orm/postgresql';
import { Operation } from '../entities/orchestration/operation.js';
import { NotFoundError } from '../errors/domain-error.js';
import { idOf } from '../schema/relay/global-id.js';

/**
 * Loads an operation by global id, or fails with NOT_FOUND on `field`. Queries load the operation alone: populating
 * its script run or server (admin-only, so hidden by the tenant scope) would hide the operation itself from account
 * users. Admin use cases populate what they use.
 */
export async function findOperation(em: EntityManager, globalId: string, populate: readonly ('run' | 'server')[] = [], field = 'id'): Promise<Operation> {
  const op = await em.findOne(Operation, { id: idOf('Operation', globalId, field) }, { populate: [...populate] });
  if (!op) throw new NotFoundError('Operation', field);
  return op;
}
