import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import type { Domain } from '../../entities/dns/domain.js';
import { MailingList } from '../../entities/mail/mailing-list.js';
import type { MailingListSource } from '../../orchestration/backends/mailman-lists/mailman-lists.backend.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';
import { isFinalDestination } from './mail-domain.js';

const LIST_POPULATE = ['account', 'domain'] as const;

/** Mailing lists (backend `mailman-lists`). A disabled account's lists refuse posts, like a disabled list. */
export const mailingListModule = defineServiceModule<MailingList>({
  model: 'MailingList',
  entity: MailingList,
  populate: LIST_POPULATE,
  async source(em: EntityManager, list) {
    const account = await entityOf(list.account as Reference<Account>);
    const domain = await entityOf(list.domain as Reference<Domain>);
    const source: MailingListSource = {
      addressName: list.addressName,
      domain: domain.name,
      adminEmail: list.adminEmail,
      passwordHash: list.passwordHash,
      isActive: list.isActive,
      isFinalDestination: await isFinalDestination(em, domain),
      account: { username: account.username, isActive: account.isActive, type: account.type },
    };
    return { account, label: `${list.addressName}@${domain.name}`, source };
  },
  savedWhen: [
    {
      // A disabled account's lists refuse posts; routes may match on the account's type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(MailingList, { account: account.id }, { populate: LIST_POPULATE, filters: false }),
    },
    {
      // Every change of a zone raises its serial: its MX records may now point here or elsewhere.
      model: 'Domain',
      fields: ['serial'],
      objects: (em, domain) => em.find(MailingList, { $or: [{ domain: domain.id }, { domain: { top: domain.id } }] }, { populate: LIST_POPULATE, filters: false }),
    },
  ],
  ownedBy: [
    { model: 'Account', where: (accountId) => ({ account: accountId }) },
    { model: 'Domain', where: (domainId) => ({ domain: domainId }) },
  ],
  filterFields: ['id', 'name', 'addressName'],
});
