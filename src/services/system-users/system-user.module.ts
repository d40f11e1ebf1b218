import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { SystemUser } from '../../entities/services/system-user.js';
import { isOverLimit, savedWhenLimitChanges } from '../../resources/limit-state.js';
import { systemUserSourceOf } from './system-user-source.js';
import { entityOf } from '../entity-of.js';
import { hashSystemPassword } from '../../crypto/sha512-crypt.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { defineServiceModule } from '../service-module.js';

/** UNIX users of an account (backend `system-users`). */
export const systemUserModule = defineServiceModule<SystemUser>({
  model: 'SystemUser',
  entity: SystemUser,
  populate: ['account'],
  async source(em: EntityManager, user) {
    const account = await entityOf(user.account as Reference<Account>);
    const source = systemUserSourceOf(user, account, await isOverLimit(em, 'SystemUser', user.id));
    return { account, label: user.username, source };
  },
  savedWhen: [
    {
      // Disabled users are locked; routes may match on the account's type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(SystemUser, { account: account.id }, { populate: ['account'], filters: false }),
    },
    // Over its disk allocation (resource limit actions): no login shell until it recovers.
    savedWhenLimitChanges('SystemUser', (em, id) => em.findOne(SystemUser, { id }, { populate: ['account'], filters: false })),
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'username', 'shell', 'isActive', 'isMain'],
  async createdWithAccount(em, account, { password }) {
    // Every account has a main system user of its own name (its collector operation creates it on the servers).
    if (await em.count(SystemUser, { username: account.username }, { filters: false })) {
      throw new UserInputError('input.username', 'is already a system user', UserErrorCode.TAKEN);
    }
    em.create(SystemUser, { account, username: account.username, isMain: true, passwordHash: password ? hashSystemPassword(password) : null });
  },
});
