import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { WebApp } from '../../entities/web/web-app.js';
import type { WebAppSource } from '../../orchestration/backends/webapps/webapps.backend.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';
import { webAppOwner } from './web-app-owner.js';

/** The plain object the webapps backend snapshots; also what websites read of the apps they mount. */
export async function webAppSource(em: EntityManager, app: WebApp, account: Account): Promise<WebAppSource> {
  // An account always has its main user; a missing one (deleted in the same transaction) fails the snapshot.
  const owner = (await webAppOwner(em, account.id)) ?? { username: account.username, home: `/home/${account.username}` };
  return {
    id: app.id,
    name: app.name,
    type: app.type,
    username: owner.username,
    home: owner.home,
    phpVersion: app.phpVersion,
    publicRoot: app.options.publicRoot ?? null,
    timeout: app.options.timeout ?? null,
    processes: app.options.processes ?? null,
    phpIni: app.options.phpIni ?? {},
    target: app.options.target ?? null,
    command: app.options.command ?? null,
    port: app.options.port ?? null,
    accountUsername: account.username,
    accountType: account.type,
    accountIsActive: account.isActive,
  };
}

/** Web apps (backend `webapps`). */
export const webAppModule = defineServiceModule<WebApp>({
  model: 'WebApp',
  entity: WebApp,
  populate: ['account'],
  async source(em, app) {
    const account = await entityOf(app.account as Reference<Account>);
    return { account, label: `${account.username}/${app.name}`, source: await webAppSource(em, app, account) };
  },
  savedWhen: [
    {
      // Routes may match on the account's type; a disabled account's process apps stop.
      model: 'Account',
      fields: ['type', 'isActive'],
      objects: (em, account) => em.find(WebApp, { account: account.id }, { populate: ['account'], filters: false }),
    },
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name', 'type'],
});
