import type { EntityManager } from '@mikro-orm/postgresql';
import { Route } from '../entities/orchestration/route.js';
import { Crontab } from '../entities/services/crontab.js';
import { SystemUser } from '../entities/services/system-user.js';
import { getBackend } from './backends/registry.js';
import type { Change } from './collector/change.js';
import { planGroups, type PlannedGroup } from './collector/plan.js';

/** The entities of each model a backend can serve, for synchronisation. */
const ALL_OF: Record<string, (em: EntityManager) => Promise<object[]>> = {
  SystemUser: (em) => em.find(SystemUser, {}, { populate: ['account'], orderBy: { id: 'asc' }, filters: false }),
  // One line per system user is enough: each carries the user's whole crontab.
  Crontab: async (em) => {
    const lines = await em.find(Crontab, {}, { populate: ['account', 'systemUser'], orderBy: { id: 'asc' }, filters: false });
    const seen = new Set<string>();
    return lines.filter((c) => !seen.has(c.systemUser.id) && seen.add(c.systemUser.id));
  },
};

/**
 * Synchronisation-based management (seed 002): a save of every object a server's routes select, regenerated from
 * the database, so the server ends equal to it whatever drifted or was lost. `backend` narrows it to one backend.
 */
export async function planServerSync(em: EntityManager, serverId: string, backend?: string): Promise<PlannedGroup[]> {
  const routes = await em.find(Route, { server: serverId, isActive: true, ...(backend ? { backend } : {}) }, { filters: false });
  const groups: PlannedGroup[] = [];
  for (const name of [...new Set(routes.map((r) => r.backend))]) {
    const model = getBackend(name).model;
    const entities = (await ALL_OF[model]?.(em)) ?? [];
    const changes: Change[] = entities.map((entity) => ({ model, id: (entity as { id: string }).id, kind: 'update', fields: ['*'], entity }));
    groups.push(...(await planGroups(em, changes, { serverId, backend: name })));
  }
  return groups;
}
