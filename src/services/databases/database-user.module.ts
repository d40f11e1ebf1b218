import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import type { DatabaseUserSource } from '../../orchestration/backends/databases/database-snapshots.js';
import { entityOf } from '../entity-of.js';
import { defineServiceModule } from '../service-module.js';

/** Logins on database servers (backends `mariadb-users`, `postgresql-users`: each serves its own engine's users). */
export const databaseUserModule = defineServiceModule<DatabaseUser>({
  model: 'DatabaseUser',
  entity: DatabaseUser,
  populate: ['account'],
  async source(_em: EntityManager, user) {
    const account = await entityOf(user.account as Reference<Account>);
    const source: DatabaseUserSource = {
      username: user.username,
      type: user.type,
      passwordHash: user.passwordHash,
      account: { username: account.username, isActive: account.isActive, type: account.type },
    };
    return { account, label: `${user.username} (${user.type})`, source };
  },
  savedWhen: [
    {
      // A disabled account's users cannot log in (NOLOGIN, ACCOUNT LOCK); routes may match on the account's type.
      model: 'Account',
      fields: ['isActive', 'type'],
      objects: (em, account) => em.find(DatabaseUser, { account: account.id }, { populate: ['account'], filters: false }),
    },
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'username', 'type'],
});
