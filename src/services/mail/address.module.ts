import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import type { Domain } from '../../entities/dns/domain.js';
import { Address } from '../../entities/mail/address.js';
import type { AddressSource } from '../../orchestration/backends/postfix-addresses/postfix-addresses.backend.js';
import { autoresponderUser } from '../../orchestration/backends/dovecot-autoresponses/dovecot-autoresponses.backend.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';
import { isFinalDestination } from './mail-domain.js';

const ADDRESS_POPULATE = ['account', 'domain'] as const;

/**
 * Addresses (backends `postfix-addresses` and `dovecot-autoresponses`). A disabled account's addresses keep receiving (its mailboxes refuse
 * logins only): no `savedWhen` on Account.isActive.
 */
export const addressModule = defineServiceModule<Address>({
  model: 'Address',
  entity: Address,
  populate: ADDRESS_POPULATE,
  async source(em: EntityManager, address) {
    const account = await entityOf(address.account as Reference<Account>);
    const domain = await entityOf(address.domain as Reference<Domain>);
    const source: AddressSource = {
      id: address.id,
      name: address.name,
      domain: domain.name,
      mailboxes: address.mailboxes,
      forwards: address.forwards,
      autoresponder: address.autoresponse?.isActive ? autoresponderUser(address.id) : null,
      autoresponse: address.autoresponse,
      isFinalDestination: await isFinalDestination(em, domain),
      account: { username: account.username, type: account.type },
    };
    return { account, label: `${address.name}@${domain.name}`, source };
  },
  savedWhen: [
    {
      // Routes may match on the account's type.
      model: 'Account',
      fields: ['type'],
      objects: (em, account) => em.find(Address, { account: account.id }, { populate: ADDRESS_POPULATE, filters: false }),
    },
    {
      // Every change of a zone raises its serial: its MX records may now point here or elsewhere.
      model: 'Domain',
      fields: ['serial'],
      objects: (em, domain) => em.find(Address, { $or: [{ domain: domain.id }, { domain: { top: domain.id } }] }, { populate: ADDRESS_POPULATE, filters: false }),
    },
  ],
  ownedBy: [
    { model: 'Account', where: (accountId) => ({ account: accountId }) },
    { model: 'Domain', where: (domainId) => ({ domain: domainId }) },
  ],
  filterFields: ['id', 'name'],
});
