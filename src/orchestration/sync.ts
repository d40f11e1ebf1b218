import type { EntityManager } from '@mikro-orm/postgresql';
import { Route } from '../entities/orchestration/route.js';
import { serviceModule } from '../services/index.js';
import { getBackend } from './backends/registry.js';
import { planGroups, type PlannedGroup } from './collector/plan.js';
import { savesOf } from './collector/saves-of.js';

/**
 * Synchronisation-based management (seed 002): a save of every object a server's routes select, regenerated from
 * the database, so the server ends equal to it whatever drifted or was lost. `backend` narrows it to one backend.
 */
export async function planServerSync(em: EntityManager, serverId: string, backend?: string): Promise<PlannedGroup[]> {
  const routes = await em.find(Route, { server: serverId, isActive: true, ...(backend ? { backend } : {}) }, { filters: false });
  const groups: PlannedGroup[] = [];
  for (const name of [...new Set(routes.map((r) => r.backend))]) {
    const changes = await savesOf(em, serviceModule(getBackend(name).model), {}, { oneEachSyncKey: true });
    groups.push(...(await planGroups(em, changes, { serverId, backend: name })));
  }
  return groups;
}
