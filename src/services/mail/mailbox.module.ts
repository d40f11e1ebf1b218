import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { Mailbox } from '../../entities/mail/mailbox.js';
import { mailSettings } from '../../config/mail-settings.js';
import type { MailboxSource } from '../../orchestration/backends/dovecot-mailboxes/dovecot-mailboxes.backend.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';
import { isMailboxDisk, mailboxQuotaBytes } from './mailbox-quota.js';
import { Resource } from '../../entities/resources/resource.js';
import { ResourceData } from '../../entities/resources/resource-data.js';

/** Mailboxes (backend `dovecot-mailboxes`). */
export const mailboxModule = defineServiceModule<Mailbox>({
  model: 'Mailbox',
  entity: Mailbox,
  populate: ['account'],
  async source(em: EntityManager, mailbox) {
    const account = await entityOf(mailbox.account as Reference<Account>);
    const settings = mailSettings();
    const source: MailboxSource = {
      name: mailbox.name,
      passwordHash: mailbox.passwordHash,
      isActive: mailbox.isActive,
      quotaBytes: await mailboxQuotaBytes(em, mailbox, settings),
      spamFilter: mailbox.spamFilter,
      customSieve: mailbox.customSieve,
      trashDir: settings.trashDir,
      account: { username: account.username, isActive: account.isActive, type: account.type },
    };
    return { account, label: mailbox.name, source };
  },
  savedWhen: [
    {
      // A disabled account's mailboxes refuse logins; routes may match on the account's type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(Mailbox, { account: account.id }, { populate: ['account'], filters: false }),
    },
    {
      // Its disk allocation is its quota: set (a first allocation creates the row) or changed.
      model: 'ResourceData',
      fields: ['allocated'],
      onCreate: true,
      async objects(em, changed) {
        const data = await em.findOne(ResourceData, { id: changed.id }, { populate: ['resource'], filters: false });
        if (!data || !isMailboxDisk(data.resource.getEntity())) return [];
        return em.find(Mailbox, { id: data.objectId }, { populate: ['account'], filters: false });
      },
    },
    {
      // The disk resource's default, scale or state is every mailbox's quota without an allocation of its own.
      model: 'Resource',
      fields: ['defaultAllocation', 'scale', 'onDemand', 'isActive', 'name', 'model'],
      onCreate: true,
      async objects(em, changed) {
        const resource = await em.findOne(Resource, { id: changed.id }, { filters: false });
        return resource && isMailboxDisk(resource) ? em.find(Mailbox, {}, { populate: ['account'], filters: false }) : [];
      },
    },
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name'],
});
