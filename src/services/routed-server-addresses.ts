import type { EntityManager } from '@mikro-orm/postgresql';
import { Route } from '../entities/orchestration/route.js';
import { getBackend } from '../orchestration/backends/registry.js';
import { compileMatch } from '../orchestration/routes/match-expression.js';

/**
 * The addresses of the servers `backend`'s active routes select for an object (its match context), as the servers
 * are stored (an IP address or a name the scripts resolve), sorted, each once: how a server learns the others that
 * serve the same object (a DNS master its slaves, a website's server its peers).
 */
export async function routedServerAddresses(em: EntityManager, backendName: string, context: Record<string, unknown>): Promise<string[]> {
  const backend = getBackend(backendName);
  const routes = await em.find(Route, { backend: backendName, isActive: true }, { populate: ['server'], filters: false });
  const addresses = routes
    .filter((route) => {
      const compiled = compileMatch(route.match, backend.matchFields, backend.booleanMatchFields);
      return compiled.ok && compiled.evaluate(context);
    })
    .map((route) => route.server.getEntity().address);
  return [...new Set(addresses)].sort();
}
