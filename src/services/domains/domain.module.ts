import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { Domain } from '../../entities/dns/domain.js';
import { domainMatchContext, type DomainSource } from '../../orchestration/backends/dns/zone.js';
import { entityOf } from '../entity-of.js';
import { routedServerAddresses } from '../routed-server-addresses.js';
import { defineServiceModule } from '../service-module.js';
import { buildZone } from './zone-builder.js';

const DOMAIN_POPULATE = ['account', 'top'] as const;

/**
 * Domains (backends bind9-master and bind9-slave). A top domain's snapshot is its whole zone; a subdomain's says
 * only which top domain holds its records. Every change of a zone raises its top domain's serial (the use cases,
 * ./domain.use-cases.ts), so a record's change is a save of its top domain.
 *
 * A disabled account's zones stay served: no `savedWhen` on Account.isActive. A domain that stopped resolving takes
 * its owner's mail and web down and, through the mail others send to it, hurts people who have nothing to do with
 * the account; disabling is about the account's own services (its users cannot log in, its crontabs stop).
 */
export const domainModule = defineServiceModule<Domain>({
  model: 'Domain',
  entity: Domain,
  populate: DOMAIN_POPULATE,
  async source(em: EntityManager, domain, shared) {
    const account = await entityOf(domain.account as Reference<Account>);
    const top = domain.top ? await entityOf(domain.top as Reference<Domain>) : null;
    const base = { name: domain.name, top: top?.name ?? null, account: { type: account.type as string } };
    const context = domainMatchContext(base);
    const source: DomainSource = {
      ...base,
      zone: top === null ? await buildZone(em, domain) : null,
      slaves: await routedServerAddresses(em, 'bind9-slave', context, shared),
      masters: await routedServerAddresses(em, 'bind9-master', context, shared),
    };
    return { account, label: domain.name, source };
  },
  savedWhen: [
    {
      // Routes may match on the account's type.
      model: 'Account',
      fields: ['type'],
      objects: (em, account) => em.find(Domain, { account: account.id }, { populate: DOMAIN_POPULATE, filters: false }),
    },
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name'],
});
