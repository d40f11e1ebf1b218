import type { EntityManager, FilterQuery } from '@mikro-orm/postgresql';
import type { ServiceModule } from '../../services/index.js';
import type { Change } from './change.js';
import { firstOfEachSyncKey } from './first-of-each-sync-key.js';

/**
 * A save of every object of the module matching `where` (all of them by default), as changes the collector plans:
 * what server sync and the `orchestrate` command regenerate. Objects with the same sync key render the same thing,
 * so only the first of each key is kept when `oneEachSyncKey`.
 */
export async function savesOf(
  em: EntityManager,
  module: ServiceModule,
  where: FilterQuery<object> = {},
  options: { oneEachSyncKey?: boolean; tenantFilters?: boolean } = {},
): Promise<Change[]> {
  const entities = (await em.find(module.entity, where as never, {
    populate: module.populate as never[],
    orderBy: { id: 'asc' } as never,
    ...(options.tenantFilters ? {} : { filters: false }),
  })) as { id: string }[];
  const first = firstOfEachSyncKey();
  const selected = options.oneEachSyncKey ? entities.filter((e) => first(module, e)) : entities;
  return selected.map((entity) => ({ model: module.model, id: entity.id, kind: 'update', fields: ['*'], entity }));
}
