import type { EntityManager } from '@mikro-orm/postgresql';
import { Server } from '../entities/orchestration/server.js';
import { NotFoundError } from '../errors/domain-error.js';
import { idOf } from '../schema/relay/global-id.js';

/** Loads a server by global id, or fails with NOT_FOUND on `field` (servers are admin-only: hidden from others). */
export async function findServer(em: EntityManager, globalId: string, field = 'id'): Promise<Server> {
  const server = await em.findOne(Server, { id: idOf('Server', globalId, field) });
  if (!server) throw new NotFoundError('Server', field);
  return server;
}
