import type { EntityManager } from '@mikro-orm/postgresql';
import { ResourceData } from '../entities/resources/resource-data.js';

/**
 * Whether an object is over the allocation of a resource whose limit actions are on (the state limit actions keep,
 * changed only on transitions by src/resources/usage.ts). Services read it into their snapshots: the servers then
 * converge on the limited configuration, and a later save (a password change) keeps it.
 */
export async function isOverLimit(em: EntityManager, model: string, objectId: string): Promise<boolean> {
  return (await em.count(ResourceData, { model, objectId, limitExceeded: true }, { filters: false })) > 0;
}

/** The ResourceData change that makes objects of `model` save again (a service module's `savedWhen`). */
export function savedWhenLimitChanges<E>(model: string, load: (em: EntityManager, objectId: string) => Promise<E | null>) {
  return {
    model: 'ResourceData',
    fields: ['limitExceeded'] as const,
    async objects(em: EntityManager, changed: { id: string }): Promise<E[]> {
      const data = await em.findOne(ResourceData, { id: changed.id }, { filters: false });
      if (!data || data.model !== model) return [];
      const object = await load(em, data.objectId);
      return object ? [object] : [];
    },
  };
}
