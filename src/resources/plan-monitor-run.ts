import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../entities/accounts/account.js';
import { MonitorRun } from '../entities/resources/monitor-run.js';
import type { Resource } from '../entities/resources/resource.js';
import { getBackend } from '../orchestration/backends/registry.js';
import { routesFor, type PlannedServer } from '../orchestration/collector/plan.js';
import { findMonitor } from './monitors/registry.js';
import { renderMonitorScript, type MonitorTarget } from './monitors/monitor.js';
import { relationPath } from './resource-paths.js';

export interface PlannedMonitorRuns {
  runIds: string[];
  /** Objects covered, for the workflow's search attributes. */
  objects: { model: string; objectId: string }[];
  accounts: string[];
  servers: string[];
}

/**
 * Writes the MonitorRuns of one run of a resource: for each of its monitors, the objects it measures (all, or those
 * related to `objectIds` of the resource's model), on the servers the monitor's configuration backend routes them
 * to (same routes and match expressions as configuration), one script per (server, monitor) for all its objects.
 */
export async function planMonitorRun(em: EntityManager, resource: Resource, objectIds?: readonly string[]): Promise<PlannedMonitorRuns> {
  const planned: PlannedMonitorRuns = { runIds: [], objects: [], accounts: [], servers: [] };
  const accountIds = new Set<string>();
  for (const name of resource.monitors) {
    const monitor = findMonitor(name);
    if (!monitor) continue;
    const path = relationPath(em, monitor.model, resource.model);
    if (path === null) continue;
    let targets: MonitorTarget[] = await monitor.targets(em, path === '' ? objectIds : undefined);
    if (objectIds && path !== '') {
      const wanted = new Set(objectIds);
      // Roll-ups hang on the account today (the only relation the monitored models have to another resource model).
      targets = targets.filter((t) => (path === 'account' ? wanted.has(t.accountId) : false));
    }
    if (monitor.serves) targets = targets.filter((t) => monitor.serves!(t));
    const backend = getBackend(monitor.backend);
    const routes = (await routesFor(em, [backend])).get(backend.name) ?? [];
    const byServer = new Map<string, { server: PlannedServer; targets: MonitorTarget[] }>();
    for (const target of targets) {
      const context = backend.matchContext(backend.snapshot(target.routeSource));
      for (const route of routes) {
        if (!route.matches(context)) continue;
        const group = byServer.get(route.server.id) ?? { server: route.server, targets: [] };
        group.targets.push(target);
        byServer.set(route.server.id, group);
      }
    }
    for (const { server, targets: onServer } of byServer.values()) {
      const run = em.create(MonitorRun, {
        resourceId: resource.id,
        server: server.id,
        monitor: monitor.name,
        script: renderMonitorScript(monitor, onServer),
        objectIds: onServer.map((t) => t.objectId),
        objectCount: onServer.length,
      });
      await em.flush();
      planned.runIds.push(run.id);
      planned.servers.push(server.name);
      for (const t of onServer) {
        planned.objects.push({ model: monitor.model, objectId: t.objectId });
        accountIds.add(t.accountId);
      }
    }
  }
  if (accountIds.size) {
    const accounts = await em.find(Account, { id: { $in: [...accountIds] } }, { fields: ['username'], filters: false });
    planned.accounts = accounts.map((a) => a.username).sort();
  }
  planned.servers = [...new Set(planned.servers)].sort();
  return planned;
}
