import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { Crontab } from '../../entities/services/crontab.js';
import type { SystemUser } from '../../entities/services/system-user.js';
import type { CrontabSource } from '../../orchestration/backends/crontabs/crontabs.backend.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';

const CRONTAB_POPULATE = ['account', 'systemUser'] as const;

/** Crontab lines of a system user (backend `crontabs`, which installs the user's whole crontab). */
export const crontabModule = defineServiceModule<Crontab>({
  model: 'Crontab',
  entity: Crontab,
  populate: CRONTAB_POPULATE,
  async source(em: EntityManager, crontab) {
    const user = await entityOf(crontab.systemUser as Reference<SystemUser>);
    const account = await entityOf(crontab.account as Reference<Account>);
    // The whole crontab of the user, as committed: the backend synchronises it.
    const entries = await em.find(Crontab, { systemUser: user.id, isActive: true }, { orderBy: { id: 'asc' }, filters: false });
    const source: CrontabSource = {
      systemUsername: user.username,
      isActive: user.isActive && account.isActive,
      entries: entries.map((e) => ({
        id: e.id,
        minute: e.minute,
        hour: e.hour,
        dayOfMonth: e.dayOfMonth,
        month: e.month,
        dayOfWeek: e.dayOfWeek,
        command: e.command,
        description: e.description,
      })),
    };
    return { account, label: `${user.username}: ${crontab.description || crontab.command}`.slice(0, 128), source };
  },
  savedWhen: [
    {
      // A disabled account's crontabs are commented out; routes may match on its type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(Crontab, { account: account.id }, { populate: CRONTAB_POPULATE, filters: false }),
    },
    {
      // A disabled user's crontab is commented out.
      model: 'SystemUser',
      fields: ['isActive'],
      objects: (em, user) => em.find(Crontab, { systemUser: user.id }, { populate: CRONTAB_POPULATE, filters: false }),
    },
  ],
  ownedBy: [
    { model: 'SystemUser', where: (userId) => ({ systemUser: userId }) },
    { model: 'Account', where: (accountId) => ({ account: accountId }) },
  ],
  // Every line carries its user's whole crontab: one per user is enough to regenerate it.
  syncKey: (crontab) => crontab.systemUser.id,
  filterFields: ['id', 'isActive', 'command'],
});
