import type { EntityManager } from '@mikro-orm/postgresql';
import type { BillingContextProvider } from '../billing/expressions/context-provider.js';
import { Resource } from '../entities/resources/resource.js';
import type { ResourceData } from '../entities/resources/resource-data.js';
import { RESOURCE_MODELS } from './resource-paths.js';
import { resourceValuesOf } from './resource-values.js';

/**
 * A resource's name as billing expressions write it: names may hold "-" (`mail-disk`), which an expression's path
 * cannot, so it becomes "_" (`resources.mail_disk.used`). Names never hold "_" (resource.validation.ts), so no two
 * resources of a model share one.
 */
export function resourceExpressionName(name: string): string {
  return name.replaceAll('-', '_');
}

const hasResources = (model: string) => (RESOURCE_MODELS as readonly string[]).includes(model);

/**
 * What billing expressions read of an object's resources (inventory §5: the original's
 * `mailbox.resources.disk.allocated`): `resources.<name>.used` and `resources.<name>.allocated` of each ACTIVE
 * resource of the object's model, in the resource's unit. Both are always numbers: a resource never measured has used
 * nothing yet (0), and one without an allocation (on demand, or no default) has 0 allocated, so a metric such as
 * `max(resources.disk.allocated - 2, 0)` works on every object instead of failing on the new ones. A service naming
 * a resource the model does not have is refused when saved (unknown field). Values come from `resourceValuesOf`,
 * once per page of objects.
 */
export const resourcesBillingContext: BillingContextProvider = {
  async fields(em: EntityManager, model: string) {
    if (!hasResources(model)) return { fields: [], booleanFields: [] };
    const resources = await em.find(Resource, { model, isActive: true }, { orderBy: { name: 'asc' }, filters: false });
    return { fields: resources.flatMap((r) => ['used', 'allocated'].map((v) => `resources.${resourceExpressionName(r.name)}.${v}`)), booleanFields: [] };
  },
  async values(em: EntityManager, model: string, objectIds: readonly string[]) {
    const result = new Map<string, Record<string, unknown>>();
    if (!hasResources(model)) return result;
    for (const [id, values] of await resourceValuesOf(em, model, objectIds)) {
      const resources = Object.fromEntries(values.map((v) => [resourceExpressionName(v.name), { used: v.used ?? 0, allocated: v.allocated ?? 0 }]));
      result.set(id, { resources });
    }
    return result;
  },
  // An allocation set (or a limit state changed) is a save of the object it belongs to: its orders follow in the same
  // commit. Usage written by monitoring (SQL, behind the ORM) reaches orders with the periodic orders-update.
  related: [
    {
      model: 'ResourceData',
      objects: async (_em, changed) => {
        const data = changed.entity as ResourceData;
        return [{ model: data.model, id: String(data.objectId) }];
      },
    },
  ],
};
