import { ResourceData } from '../entities/resources/resource-data.js';
import type { UseCase } from '../use-cases/use-case.js';
import type { LimitTransition } from './usage.js';

/**
 * Commits limit transitions as a use case: `limitExceeded` changes on the objects' ResourceData, and the collector
 * turns each change into a save of the object (the service modules' `savedWhen`), whose snapshot carries the limit:
 * the system user's shell, the database's grants. Ordered, retried and logged as operations like any change; a
 * transition already applied (a concurrent run) changes nothing and writes nothing.
 */
export async function applyLimitTransitions({ em, audit }: UseCase, resourceId: string, transitions: readonly LimitTransition[]): Promise<number> {
  let changed = 0;
  for (const t of transitions) {
    const row = await em.findOne(ResourceData, { resource: resourceId, objectId: t.objectId }, { filters: false });
    if (!row || row.limitExceeded === t.exceeded) continue;
    row.limitExceeded = t.exceeded;
    changed++;
  }
  audit.changedFields = ['limitExceeded'];
  await em.flush();
  return changed;
}
