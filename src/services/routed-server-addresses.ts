import type { EntityManager } from '@mikro-orm/postgresql';
import { Route } from '../entities/orchestration/route.js';
import { getBackend } from '../orchestration/backends/registry.js';
import { routeSelector, type RouteSelector } from '../orchestration/routes/route-selector.js';

/** A backend's active routes, compiled once: server address and whether it selects a match context. */
type RoutedServers = { address: string; selects: RouteSelector }[];

async function routedServers(em: EntityManager, backendName: string): Promise<RoutedServers> {
  const backend = getBackend(backendName);
  const routes = await em.find(Route, { backend: backendName, isActive: true }, { populate: ['server'], filters: false });
  // A route whose expression no longer compiles selects nothing (routeSelector), so its server is never an address here.
  return routes.map((route) => ({ address: route.server.getEntity().address, selects: routeSelector(backend, route.match, route.isActive) }));
}

/**
 * The addresses of the servers `backend`'s active routes select for an object (its match context), as the servers
 * are stored (an IP address or a name the scripts resolve), sorted, each once: how a server learns the others that
 * serve the same object (a DNS master its slaves, a website's server its peers). With the plan's `shared` map the
 * routes are read and compiled once per plan, not once per object (a server sync of 500 websites read them 1,000
 * times: 75 s instead of 14).
 */
export async function routedServerAddresses(
  em: EntityManager,
  backendName: string,
  context: Record<string, unknown>,
  shared?: Map<string, unknown>,
): Promise<string[]> {
  const key = `routed-servers:${backendName}`;
  let servers = shared?.get(key) as RoutedServers | undefined;
  if (!servers) {
    servers = await routedServers(em, backendName);
    shared?.set(key, servers);
  }
  const addresses = servers.filter((server) => server.selects(context)).map((server) => server.address);
  return [...new Set(addresses)].sort();
}
