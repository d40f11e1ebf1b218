import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { WebApp } from '../../entities/web/web-app.js';
import { Website } from '../../entities/web/website.js';
import { phpSocket, webAppDocumentRoot } from '../../orchestration/backends/webapps/webapps.backend.js';
import type { SiteContent, WebsiteSource } from '../../orchestration/backends/web/website-snapshot.js';
import { validatePeerAddress } from '../../orchestration/backends/web/web-values.js';
import { entityOf } from '../entity-of.js';
import { resolvedServerAddresses } from '../resolved-server-addresses.js';
import { routedServerAddresses } from '../routed-server-addresses.js';
import { defineServiceModule } from '../service-module.js';
import { webAppSource } from './web-app.module.js';
import { websiteMatchContext, websitesMovedByRoute } from './websites-moved-by-route.js';
import type { Route } from '../../entities/orchestration/route.js';

/** What the web servers need of each mounted app: its served directory and, for PHP, its pool's socket. */
async function siteContents(em: EntityManager, website: Website, account: Account): Promise<SiteContent[]> {
  const apps = await em.find(WebApp, { id: { $in: website.contents.map((c) => c.webAppId) } }, { filters: false });
  const contents: SiteContent[] = [];
  for (const c of website.contents) {
    const app = apps.find((a) => a.id === c.webAppId);
    if (!app) continue; // deleted in the same transaction: the use cases refuse deleting a mounted app
    const source = await webAppSource(em, app, account);
    contents.push({ path: c.path, appName: app.name, documentRoot: webAppDocumentRoot(source), phpSocket: app.type === 'PHP' && app.phpVersion ? phpSocket(app.id, app.phpVersion) : null });
  }
  return contents;
}

/**
 * Every server that serves the website, on nginx or Apache (the routes of both, matched as the backends match:
 * their matchContext): each answers the ACME challenges of the others (a CA asks the one the name resolves to).
 * Servers stored by name are resolved to their addresses now; a name that does not resolve is left out and named
 * (`unresolved`), and an address no web server configuration could name is left out.
 */
async function sitePeers(em: EntityManager, website: Website, account: Account, shared?: Map<string, unknown>): Promise<{ peers: string[]; unresolved: string[] }> {
  const context = websiteMatchContext(website, account);
  const addresses = [
    ...(await routedServerAddresses(em, 'nginx-websites', context, shared)),
    ...(await routedServerAddresses(em, 'apache-websites', context, shared)),
  ];
  const resolved = await resolvedServerAddresses(addresses, shared);
  return { peers: resolved.addresses.filter((a) => validatePeerAddress(a) === null), unresolved: resolved.unresolved };
}

/** Websites (backends `nginx-websites` and `apache-websites`). */
export const websiteModule = defineServiceModule<Website>({
  model: 'Website',
  entity: Website,
  populate: ['account'],
  async source(em, website, shared) {
    const account = await entityOf(website.account as Reference<Account>);
    const { peers, unresolved } = await sitePeers(em, website, account, shared);
    const source: WebsiteSource = {
      id: website.id,
      name: website.name,
      accountUsername: account.username,
      isActive: website.isActive,
      account: { isActive: account.isActive, type: account.type },
      protocol: website.protocol,
      domains: website.domains,
      contents: await siteContents(em, website, account),
      directives: website.directives,
      peers,
      ...(unresolved.length ? { unresolvedPeers: unresolved } : {}),
    };
    return { account, label: `${account.username}/${website.name}`, source };
  },
  savedWhen: [
    {
      // A web route created, changed or deleted: the websites it moves are saved on every server of their new set.
      model: 'Route',
      fields: ['match', 'isActive'],
      onCreate: true,
      onDelete: true,
      objects: (em, route, change) => websitesMovedByRoute(em, route as Route, change),
    },
    {
      // A disabled account's websites answer the disabled response; routes may match on its type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(Website, { account: account.id }, { populate: ['account'], filters: false }),
    },
    {
      // An app's public root is where its websites serve from; its PHP version names its pool's socket.
      model: 'WebApp',
      fields: ['options', 'phpVersion'],
      objects: async (em, app) => {
        const row = await em.findOne(WebApp, { id: app.id }, { filters: false });
        if (!row) return [];
        const sites = await em.find(Website, { account: row.account.id }, { populate: ['account'], filters: false });
        return sites.filter((s) => s.contents.some((c) => c.webAppId === app.id));
      },
    },
  ],
  // A site a web server's route no longer selects is removed there (its certificate stays: the server may still
  // serve it through its other web server's route).
  removedWhereRoutesLeave: ['nginx-websites', 'apache-websites'],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name', 'isActive'],
});
