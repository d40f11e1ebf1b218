import type { EntityManager } from '@mikro-orm/postgresql';
import type { Route } from '../../entities/orchestration/route.js';
import { Server } from '../../entities/orchestration/server.js';
import { findServiceModule } from '../../services/index.js';
import { findBackend } from '../backends/registry.js';
import { routeSelector } from '../routes/route-selector.js';
import type { Change } from './change.js';
import type { PlannedGroup, PlannedOperation } from './plan.js';

/**
 * The deletes a route's change or delete means on its own server: the objects the route selected before and does
 * not now have left that server, and nothing else would remove them there (the collector plans by the routes as they
 * are). Only for the backends a service module names (`removedWhereRoutesLeave`: a website's web server
 * configuration; never data such as a mailbox, nor a certificate the server may still serve). Every object of the
 * model is matched: a route change is rare, and the planner has no index of what a server holds.
 */
export async function routeLeavers(em: EntityManager, changes: readonly Change[]): Promise<PlannedGroup[]> {
  const groups: PlannedGroup[] = [];
  const shared = new Map<string, unknown>();
  for (const change of changes) {
    if (change.model !== 'Route' || (change.kind === 'update' && !change.before) || change.kind === 'create') continue;
    const route = change.entity as Route;
    const backend = findBackend(route.backend);
    const module = backend && findServiceModule(backend.model);
    if (!backend || !module?.removedWhereRoutesLeave?.includes(backend.name)) continue;
    const before = change.kind === 'delete' ? (route as unknown as Record<string, unknown>) : change.before!;
    const then = routeSelector(backend, before.match ?? route.match, before.isActive ?? route.isActive);
    const now = change.kind === 'delete' ? () => false : routeSelector(backend, route.match, route.isActive);
    const server = await em.findOne(Server, { id: route.server.id }, { filters: false });
    if (!server) continue; // deleted with its routes: nothing to reach
    const operations: PlannedOperation[] = [];
    const entities = (await em.find(module.entity, {}, { populate: module.populate as never[], orderBy: { id: 'asc' } as never, filters: false })) as { id: string }[];
    for (const entity of entities) {
      const { account, label, source } = await module.source(em, entity, shared);
      if (!backend.serves(source)) continue;
      const snapshot = backend.snapshot(source) as Record<string, unknown>;
      const context = backend.matchContext(snapshot as never);
      if (!then(context) || now(context)) continue;
      operations.push({ backend, action: 'delete', model: module.model, objectId: entity.id, label, account, snapshot });
    }
    if (operations.length) groups.push({ server, backend, operations });
  }
  return groups;
}
