import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities/accounts/account.js';
import type { Route } from '../../entities/orchestration/route.js';
import { Website } from '../../entities/web/website.js';
import { getBackend } from '../../orchestration/backends/registry.js';
import { routeSelector } from '../../orchestration/routes/route-selector.js';

/** The backends whose routes say which servers serve a website (the web servers, and its certificates). */
export const WEBSITE_ROUTE_BACKENDS: readonly string[] = ['nginx-websites', 'apache-websites', 'acme-certificates'];

/** A website as the website backends' routes match it (their matchContext, from the entities). */
export function websiteMatchContext(website: Website, account: Account): Record<string, unknown> {
  return {
    website: { name: website.name, protocol: website.protocol, isActive: website.isActive && account.isActive },
    account: { username: account.username, type: account.type },
  };
}

/**
 * The websites whose servers a web route's creation or change moves: those its server serves now and did not before,
 * or served before and does not now (`change.before`: the route's former data; a new route selected nothing, a
 * deleted one selects nothing). Saved again, each reaches every server of its new set — the added server gets it,
 * the others learn their new or lost peer (src/orchestration/backends/web/acme-peers.ts) — rather than at the
 * site's next save; where it left, src/orchestration/collector/route-leavers.ts removes it.
 */
export async function websitesMovedByRoute(
  em: EntityManager,
  route: Route,
  change?: { kind: 'create' | 'update' | 'delete'; before?: Record<string, unknown> },
): Promise<Website[]> {
  if (!WEBSITE_ROUTE_BACKENDS.includes(route.backend)) return [];
  const backend = getBackend(route.backend);
  const before = change?.kind === 'delete' ? { match: route.match, isActive: route.isActive } : change?.before;
  const now = change?.kind === 'delete' ? () => false : routeSelector(backend, route.match, route.isActive);
  const then = before
    ? routeSelector(backend, typeof before.match === 'string' ? before.match : route.match, typeof before.isActive === 'boolean' ? before.isActive : route.isActive)
    : () => false;
  const websites = await em.find(Website, {}, { populate: ['account'], filters: false });
  return websites.filter((website) => {
    const context = websiteMatchContext(website, website.account.getEntity() as Account);
    return now(context) !== then(context);
  });
}
