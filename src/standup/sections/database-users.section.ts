import { DatabaseType } from '../../entities/services/database-type.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { createDatabaseUser, deleteDatabaseUser, updateDatabaseUser } from '../../services/databases/database-user.use-cases.js';
import { prefixedName } from '../../services/databases/database.validation.js';
import { passwordMatches } from '../password-matches.js';
import type { SetupSection } from '../setup-section.js';

export interface DatabaseUserItem {
  type: keyof typeof DatabaseType;
  username: string;
  password: string;
}

/** Database users of either engine; a user is its engine and (prefixed, when configured) name. */
export const databaseUsersSection: SetupSection<DatabaseUserItem, DatabaseUser> = {
  kind: 'databaseUsers',
  description: 'MariaDB and PostgreSQL users. Unlisted ones are deleted (after the databases that no longer list them).',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'username', 'password'],
    properties: {
      type: { enum: Object.keys(DatabaseType) },
      username: { type: 'string', minLength: 1, maxLength: 32 },
      password: { type: 'string', description: 'Kept only as the hash its engine stores; the same password again is no change.' },
    },
  },
  keyOf: (item, { account, databases }) => `${item.type}\n${prefixedName(item.username, account, databases)}`,
  async current({ uc, account }) {
    const users = await uc.em.find(DatabaseUser, { account }, { orderBy: { id: 'asc' } });
    const typeName = (t: DatabaseType) => (t === DatabaseType.MARIADB ? 'MARIADB' : 'POSTGRESQL');
    return new Map(users.map((u) => [`${typeName(u.type)}\n${u.username}`, u]));
  },
  async create({ uc, account, databases }, item) {
    await createDatabaseUser(uc, { accountId: toGlobalId('Account', account.id), type: DatabaseType[item.type], username: item.username, password: item.password }, databases);
  },
  async update({ uc }, item, user) {
    if (passwordMatches(item.password, user.passwordHash)) return;
    await updateDatabaseUser(uc, { id: toGlobalId('DatabaseUser', user.id), password: item.password });
  },
  async remove({ uc }, user) {
    await deleteDatabaseUser(uc, toGlobalId('DatabaseUser', user.id));
  },
};
