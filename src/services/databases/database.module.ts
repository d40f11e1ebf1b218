import type { EntityManager } from '@mikro-orm/postgresql';
import type { Reference } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { Database } from '../../entities/services/database.js';
import type { DatabaseSource } from '../../orchestration/backends/databases/database-snapshots.js';
import { entityOf } from '../entity-of.js';
import { isOverLimit, savedWhenLimitChanges } from '../../resources/limit-state.js';
import { defineServiceModule } from '../service-module.js';

/** Databases (backends `mariadb-databases`, `postgresql-databases`: each serves its own engine's databases). */
export const databaseModule = defineServiceModule<Database>({
  model: 'Database',
  entity: Database,
  populate: ['account'],
  async source(em: EntityManager, database) {
    const account = await entityOf(database.account as Reference<Account>);
    const source: DatabaseSource = {
      name: database.name,
      type: database.type,
      users: database.users,
      overLimit: await isOverLimit(em, 'Database', database.id),
      account: { username: account.username, type: account.type },
    };
    return { account, label: `${database.name} (${database.type})`, source };
  },
  savedWhen: [
    {
      // Routes may match on the account's type. (A disabled account's databases stay: its users cannot log in.)
      model: 'Account',
      fields: ['type'],
      objects: (em, account) => em.find(Database, { account: account.id }, { populate: ['account'], filters: false }),
    },
    // Over its size allocation (resource limit actions): its users lose INSERT, UPDATE and CREATE until it recovers.
    savedWhenLimitChanges('Database', (em, id) => em.findOne(Database, { id }, { populate: ['account'], filters: false })),
  ],
  ownedBy: [{ model: 'Account', where: (accountId) => ({ account: accountId }) }],
  filterFields: ['id', 'name', 'type'],
});
