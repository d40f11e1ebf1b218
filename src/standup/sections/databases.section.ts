import { Database } from '../../entities/services/database.js';
import { DatabaseType } from '../../entities/services/database-type.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { UserInputError } from '../../errors/user-input-error.js';
import { toGlobalId } from '../../schema/relay/global-id.js';
import { createDatabase, deleteDatabase, updateDatabase } from '../../services/databases/database.use-cases.js';
import { prefixedName } from '../../services/databases/database.validation.js';
import type { SetupContext, SetupSection } from '../setup-section.js';

export interface DatabaseItem {
  type: keyof typeof DatabaseType;
  name: string;
  /** Database users of the account and engine, the owner first. */
  users: string[];
}

const typeName = (t: DatabaseType) => (t === DatabaseType.MARIADB ? 'MARIADB' : 'POSTGRESQL');

/** The ids of the account's users of the engine, in the item's order. */
async function userIds({ uc, account, databases }: SetupContext, item: DatabaseItem): Promise<string[]> {
  const names = item.users.map((u) => prefixedName(u, account, databases));
  const users = await uc.em.find(DatabaseUser, { account, type: DatabaseType[item.type], username: { $in: names } });
  return names.map((name) => {
    const user = users.find((u) => u.username === name);
    if (!user) throw new UserInputError('users', `names no ${item.type} user of the account: ${name}`);
    return toGlobalId('DatabaseUser', user.id);
  });
}

/** Databases of either engine with their users; a database is its engine and (prefixed, when configured) name. */
export const databasesSection: SetupSection<DatabaseItem, Database> = {
  kind: 'databases',
  description: 'MariaDB and PostgreSQL databases; the first user owns it, the others read and write. Unlisted ones are dropped with their data.',
  itemSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'name', 'users'],
    properties: {
      type: { enum: Object.keys(DatabaseType) },
      name: { type: 'string', minLength: 1, maxLength: 63 },
      users: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, uniqueItems: true },
    },
  },
  keyOf: (item, { account, databases }) => `${item.type}\n${prefixedName(item.name, account, databases)}`,
  async current({ uc, account }) {
    const all = await uc.em.find(Database, { account }, { orderBy: { id: 'asc' } });
    return new Map(all.map((d) => [`${typeName(d.type)}\n${d.name}`, d]));
  },
  async create(ctx, item) {
    const input = { accountId: toGlobalId('Account', ctx.account.id), type: DatabaseType[item.type], name: item.name, userIds: await userIds(ctx, item) };
    await createDatabase(ctx.uc, input, ctx.databases);
  },
  async update(ctx, item, database) {
    await updateDatabase(ctx.uc, { id: toGlobalId('Database', database.id), userIds: await userIds(ctx, item) });
  },
  async remove({ uc }, database) {
    await deleteDatabase(uc, toGlobalId('Database', database.id));
  },
};
