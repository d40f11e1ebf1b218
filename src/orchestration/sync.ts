import type { EntityManager } from '@mikro-orm/postgresql';
import { Route } from '../entities/orchestration/route.js';
import type { Crontab } from '../entities/services/crontab.js';
import { getBackend } from './backends/registry.js';
import type { Change } from './collector/change.js';
import { planGroups, type PlannedGroup } from './collector/plan.js';
import { SERVICE_MODELS } from './collector/object-sources.js';

/** Every object of a service model, for synchronisation. */
async function allOf(em: EntityManager, model: string): Promise<object[]> {
  const service = SERVICE_MODELS[model];
  if (!service) return [];
  const all = (await em.find(service.entity, {}, { populate: service.populate as never[], orderBy: { id: 'asc' } as never, filters: false })) as object[];
  if (model !== 'Crontab') return all;
  // One line per system user is enough: each carries the user's whole crontab.
  const seen = new Set<string>();
  return (all as Crontab[]).filter((c) => !seen.has(c.systemUser.id) && seen.add(c.systemUser.id));
}

/**
 * Synchronisation-based management (seed 002): a save of every object a server's routes select, regenerated from
 * the database, so the server ends equal to it whatever drifted or was lost. `backend` narrows it to one backend.
 */
export async function planServerSync(em: EntityManager, serverId: string, backend?: string): Promise<PlannedGroup[]> {
  const routes = await em.find(Route, { server: serverId, isActive: true, ...(backend ? { backend } : {}) }, { filters: false });
  const groups: PlannedGroup[] = [];
  for (const name of [...new Set(routes.map((r) => r.backend))]) {
    const model = getBackend(name).model;
    const entities = await allOf(em, model);
    const changes: Change[] = entities.map((entity) => ({ model, id: (entity as { id: string }).id, kind: 'update', fields: ['*'], entity }));
    groups.push(...(await planGroups(em, changes, { serverId, backend: name })));
  }
  return groups;
}
