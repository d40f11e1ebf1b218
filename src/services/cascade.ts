import type { EntityManager } from '@mikro-orm/postgresql';
import { serviceModules } from './index.js';

/**
 * Removes what the service modules declare owned by an object (`ownedBy`) before the caller removes the object, one
 * entity at a time through the ORM, recursively (an account's users take their crontabs along), so the collector
 * turns each into a delete on its servers. Returns how many objects it removed.
 */
export async function removeOwned(em: EntityManager, model: string, id: string, removed = new Set<string>()): Promise<number> {
  let count = 0;
  for (const module of serviceModules()) {
    for (const ownership of module.ownedBy.filter((o) => o.model === model)) {
      const owned = (await em.find(module.entity, ownership.where(id) as never, { populate: module.populate as never[], filters: false })) as { id: string }[];
      for (const entity of owned) {
        const key = `${module.model}:${entity.id}`;
        if (removed.has(key)) continue;
        removed.add(key);
        count += await removeOwned(em, module.model, entity.id, removed);
        em.remove(entity);
        count++;
      }
    }
  }
  return count;
}
