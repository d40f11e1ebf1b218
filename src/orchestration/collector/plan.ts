import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities/accounts/account.js';
import type { Server } from '../../entities/orchestration/server.js';
import type { Backend } from '../backends/backend.js';
import { backendsForModel, listBackends } from '../backends/registry.js';
import { routeSelector } from '../routes/route-selector.js';
import { collapseChanges, type Change, type ObjectChange } from './change.js';
import { serviceModule } from '../../services/index.js';
import { impliedSaves } from './implied-saves.js';
import { routeLeavers } from './route-leavers.js';

/** One operation before it is written: what to do to which object on which server, with its snapshot. */
export interface PlannedOperation {
  backend: Backend;
  action: 'save' | 'delete';
  model: string;
  objectId: string;
  label: string;
  account: Account | null;
  snapshot: Record<string, unknown>;
  /** Set when this operation replays another one (operator retry). */
  retryOf?: string;
}

/** The operations of one (server, backend) pair: one script. */
export interface PlannedGroup {
  server: PlannedServer;
  backend: Backend;
  operations: PlannedOperation[];
}

/**
 * Turns a transaction's entity changes into script groups (design §3 steps 2 and 5): one action per object, the
 * saves other changes imply, a snapshot per (backend, object), the servers its routes select. Groups come in the
 * order they must run on a server: saves in backend order (a crontab needs its user), groups that only delete in
 * reverse order (a crontab goes before its user).
 */
export async function planGroups(
  em: EntityManager,
  changes: readonly Change[],
  only: { serverId?: string; backend?: string } = {},
  routesRead?: RoutesRead,
): Promise<PlannedGroup[]> {
  const groups = await routedGroups(em, changes, only, routesRead);
  // A sync (narrowed to a server or a backend) changes no route: no server is left.
  const leavers = only.serverId || only.backend ? [] : await routeLeavers(em, changes);
  if (leavers.length === 0) return groups;
  for (const leaver of leavers) {
    const same = groups.find((g) => g.server.id === leaver.server.id && g.backend.name === leaver.backend.name);
    if (same) same.operations.push(...leaver.operations);
    else groups.push(leaver);
  }
  return sortGroups(groups);
}

/**
 * `routesRead`: routes read earlier in the same transaction, with the servers' positions (routedServers,
 * ../outbox/server-positions.ts): the first plan of a commit uses them instead of a statement of its own when they
 * were read for every backend it plans for, and the source reads sent with them in any case.
 */
async function routedGroups(
  em: EntityManager,
  changes: readonly Change[],
  only: { serverId?: string; backend?: string },
  routesRead?: RoutesRead,
): Promise<PlannedGroup[]> {
  // Implied saves first, so a delete of the same object in this transaction wins.
  const objects = collapseChanges([...(await impliedSaves(em, changes)), ...changes]);
  const backends = [...new Set(objects.flatMap((o) => backendsForModel(o.model)))].filter((b) => !only.backend || b.name === only.backend);
  if (backends.length === 0) return [];
  // Routes first: a backend no route runs anywhere needs no snapshots (reading them costs per object).
  const read = routesRead && !only.serverId && backends.every((b) => routesRead.backends.includes(b.name));
  const routes = read ? compiledRoutes(backends, routesRead.rows) : await routesFor(em, backends, only.serverId);
  const operations = await plannedOperations(em, objects, (b) => routes.has(b.name), new Map(routesRead?.shared));
  if (operations.length === 0) return [];
  return group(operations, routes);
}

/** `shared`: for this plan only (see ServiceModule.source), with what was read for it ahead. */
async function plannedOperations(
  em: EntityManager,
  objects: ObjectChange[],
  routed: (backend: Backend) => boolean,
  shared: Map<string, unknown>,
): Promise<PlannedOperation[]> {
  const result: PlannedOperation[] = [];
  for (const object of objects) {
    const backends = backendsForModel(object.model).filter(
      (b) => routed(b) && (object.action === 'delete' || object.fields.some((f) => f === '*' || !b.ignoredFields.includes(f))),
    );
    if (backends.length === 0) continue;
    const { account, label, source } = await serviceModule(object.model).source(em, object.entity as { id: string }, shared);
    for (const backend of backends) {
      if (!backend.serves(source)) continue;
      result.push({
        backend,
        action: object.action,
        model: object.model,
        objectId: object.id,
        label,
        account,
        snapshot: backend.snapshot(source) as Record<string, unknown>,
      });
    }
  }
  return result;
}

/** What a plan needs of a server: which one (its queue, its lock), and its name (order, previews, search attributes). */
export type PlannedServer = Pick<Server, 'id' | 'name'>;

export interface CompiledRoute {
  server: PlannedServer;
  matches(context: Record<string, unknown>): boolean;
}

/** An active route as the plan reads it: its backend, its match, its server. */
export interface RouteRow {
  backend: string;
  match: string;
  server_id: string | number;
  server_name: string;
}

/** Every active route of `backends` (none for a backend no route names), servers by name. */
export interface RoutesRead {
  backends: readonly string[];
  rows: readonly RouteRow[];
  /** Source reads sent with the routes (services/source-read.ts), by key: the plan's `shared` starts with them. */
  shared?: ReadonlyMap<string, unknown>;
}

/**
 * The active routes of `backends` with their compiled matches, servers by name. Read as rows (every commit reads
 * them: hydrating each route and its server as entities cost more than the rest of the plan); compiled once per
 * process (../routes/route-selector.ts).
 */
export async function routesFor(em: EntityManager, backends: Backend[], serverId?: string): Promise<Map<string, CompiledRoute[]>> {
  const rows = await em.getConnection().execute<RouteRow[]>(
    `select r."backend", r."match", s."id" as server_id, s."name" as server_name
       from "route" r join "server" s on s."id" = r."server_id"
      where r."backend" in (?) and r."is_active"${serverId ? ' and r."server_id" = ?' : ''}
      order by s."name" asc`,
    serverId ? [backends.map((b) => b.name), serverId] : [backends.map((b) => b.name)],
    'all',
    em.getTransactionContext(),
  );
  return compiledRoutes(backends, rows);
}

/** The rows of `backends` (others are left out), by backend, in the rows' order (servers by name). */
function compiledRoutes(backends: Backend[], rows: readonly RouteRow[]): Map<string, CompiledRoute[]> {
  const byBackend = new Map<string, CompiledRoute[]>();
  for (const row of rows) {
    const backend = backends.find((b) => b.name === row.backend);
    if (!backend) continue;
    const list = byBackend.get(row.backend) ?? [];
    list.push({ server: { id: String(row.server_id), name: row.server_name }, matches: routeSelector(backend, row.match, true) });
    byBackend.set(row.backend, list);
  }
  return byBackend;
}

function group(operations: PlannedOperation[], routes: Map<string, CompiledRoute[]>): PlannedGroup[] {
  const groups = new Map<string, PlannedGroup>();
  for (const op of operations) {
    for (const route of routes.get(op.backend.name) ?? []) {
      if (!route.matches(op.backend.matchContext(op.snapshot))) continue;
      const key = `${route.server.id}:${op.backend.name}`;
      const g = groups.get(key) ?? { server: route.server, backend: op.backend, operations: [] };
      g.operations.push(op);
      groups.set(key, g);
    }
  }
  return sortGroups([...groups.values()]);
}

function sortGroups(groups: PlannedGroup[]): PlannedGroup[] {
  const order = listBackends().map((b) => b.name);
  const rank = (g: PlannedGroup) => {
    const position = order.indexOf(g.backend.name);
    return g.operations.every((o) => o.action === 'delete') ? -position - 1 : position;
  };
  return groups.sort((a, b) => rank(a) - rank(b) || a.server.name.localeCompare(b.server.name));
}
