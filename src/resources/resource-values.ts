import type { EntityManager } from '@mikro-orm/postgresql';
import { Resource } from '../entities/resources/resource.js';
import { ResourceData } from '../entities/resources/resource-data.js';

/** One object's value of one resource, in the resource's unit. */
export interface ResourceValue {
  resourceId: string;
  name: string;
  unit: string;
  /** Null until measured. */
  used: number | null;
  /** The object's own allocation, else the resource's default; null: on demand or none. */
  allocated: number | null;
  updatedAt: Date | null;
  limitExceeded: boolean;
}

/**
 * The allocated and used values of every active resource of `model` for the objects `ids`, by object id: the one
 * function other domains (billing) read resources through. Two queries whatever the number of objects. Uses the
 * EntityManager given: a request's scoped one shows an account user only its own objects' values.
 */
export async function resourceValuesOf(em: EntityManager, model: string, ids: readonly string[]): Promise<Map<string, ResourceValue[]>> {
  const result = new Map<string, ResourceValue[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return result;
  // Definitions are not secret and have no account: read them unfiltered.
  const resources = await em.find(Resource, { model, isActive: true }, { orderBy: { name: 'asc' }, filters: false });
  if (resources.length === 0) return result;
  const rows = await em.find(ResourceData, { model, objectId: { $in: [...ids] }, resource: { $in: resources.map((r) => r.id) } });
  const byKey = new Map(rows.map((r) => [`${r.resource.id}:${r.objectId}`, r]));
  for (const id of ids) {
    const values = result.get(id)!;
    for (const resource of resources) {
      const row = byKey.get(`${resource.id}:${id}`);
      values.push({
        resourceId: resource.id,
        name: resource.name,
        unit: resource.unit,
        used: row?.used ?? null,
        allocated: resource.onDemand ? null : (row?.allocated ?? resource.defaultAllocation),
        updatedAt: row?.measuredAt ?? null,
        limitExceeded: row?.limitExceeded ?? false,
      });
    }
  }
  return result;
}
