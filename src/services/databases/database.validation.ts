/**
 * The rules of databases and database users (django-orchestra inventory §2.6), on top of the backends' own name
 * validators (src/orchestration/backends/databases/database-names.ts, reused, not duplicated).
 *
 * Decisions:
 * - Names are the objects' identity on the servers: validated, never trimmed or rewritten, and they cannot change.
 *   Unique per engine across every account (the servers have one namespace each), checked without the tenant scope;
 *   the caller learns only "taken".
 * - With the account prefix configured (./database-settings.ts), a name without it gets it: `blog` of account
 *   `alice` is `alice_blog`; a name that already starts with `alice_` is kept as is.
 * - Users of a database: DatabaseUsers of the SAME account and the SAME engine (a MariaDB user cannot be given a
 *   PostgreSQL database), at least one, at most MAX_DATABASE_USERS, in order, duplicates dropped. The first is the
 *   owner; the others are read-write (the grants are the backends', documented in docs/architecture.md §6).
 * - Passwords: passwordProblem(), the one rule of every password. Stored only as the hash the engine stores
 *   (MariaDB mysql_native_password, PostgreSQL SCRAM-SHA-256): never in clear, not even in the audit log.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Account } from '../../entities/accounts/account.js';
import { Database } from '../../entities/services/database.js';
import { DatabaseType } from '../../entities/services/database-type.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { passwordProblem } from '../../auth/password.js';
import { mysqlNativePasswordHash } from '../../crypto/mysql-native-password.js';
import { scramSha256Verifier } from '../../crypto/scram-sha-256.js';
import { validateDatabaseName, validateDatabaseUsername } from '../../orchestration/backends/databases/database-names.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import { fromGlobalId } from '../../schema/relay/global-id.js';
import type { Validator } from '../../validation/validator.js';
import type { DatabaseSettings } from './database-settings.js';

export const MAX_DATABASE_USERS = 100;

/** The prefix of an account's names when configured: its username with "." and "-" as "_". */
export function accountPrefix(account: Pick<Account, 'username'>): string {
  return `${account.username.replace(/[.-]/g, '_')}_`;
}

/** The name to store: with the account's prefix when configured and missing. */
export function prefixedName(name: string, account: Pick<Account, 'username'>, settings: DatabaseSettings): string {
  if (!settings.prefixWithAccount || name === '') return name;
  const prefix = accountPrefix(account);
  return name.startsWith(prefix) ? name : prefix + name;
}

function codeOf(problem: string): UserErrorCode {
  if (problem === 'is required') return UserErrorCode.REQUIRED;
  if (problem.startsWith('must be at most')) return UserErrorCode.TOO_LONG;
  return UserErrorCode.INVALID;
}

export function checkDatabaseName(v: Validator, name: string): void {
  const problem = validateDatabaseName(name);
  if (problem) v.add('name', problem, codeOf(problem));
}

export function checkDatabaseUsername(v: Validator, username: string): void {
  const problem = validateDatabaseUsername(username);
  if (problem) v.add('username', problem, codeOf(problem));
}

/** The hash the engine stores, or undefined (and a userError) when the password is not acceptable. */
export function checkDatabasePassword(v: Validator, type: DatabaseType, password: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem) {
    v.add('password', problem, password === '' ? UserErrorCode.REQUIRED : UserErrorCode.INVALID);
    return undefined;
  }
  return type === DatabaseType.MARIADB ? mysqlNativePasswordHash(password) : scramSha256Verifier(password);
}

/**
 * The usernames a database's `userIds` name, in order: users of the account and engine; each problem is a userError
 * on `userIds` (an id that is unknown or another account's is NOT_FOUND, like every hidden object).
 */
export async function checkDatabaseUsers(v: Validator, em: EntityManager, account: Account, type: DatabaseType, userIds: readonly string[]): Promise<string[]> {
  if (userIds.length === 0) {
    v.add('userIds', 'must name at least one user: the first is the owner', UserErrorCode.REQUIRED);
    return [];
  }
  if (userIds.length > MAX_DATABASE_USERS) {
    v.add('userIds', `must be at most ${MAX_DATABASE_USERS} users`, UserErrorCode.TOO_LONG);
    return [];
  }
  const ids: { id: string; globalId: string }[] = [];
  for (const globalId of userIds) {
    let parsed: { type: string; id: string } | null = null;
    try {
      parsed = fromGlobalId(globalId);
    } catch {
      // reported below
    }
    if (!parsed || parsed.type !== 'DatabaseUser') {
      v.add('userIds', `${JSON.stringify(globalId.slice(0, 40))} is not a database user id`);
      continue;
    }
    ids.push({ id: parsed.id, globalId });
  }
  if (!v.ok) return [];
  const users = await em.find(DatabaseUser, { id: { $in: [...new Set(ids.map((i) => i.id))] }, account });
  const byId = new Map(users.map((u) => [u.id, u]));
  const usernames: string[] = [];
  for (const { id, globalId } of ids) {
    const user = byId.get(id);
    if (!user) v.add('userIds', `database user ${globalId} was not found in this account`, UserErrorCode.NOT_FOUND);
    else if (user.type !== type) v.add('userIds', `${user.username} is a ${user.type} user: a ${type} database needs ${type} users`);
    else if (!usernames.includes(user.username)) usernames.push(user.username);
  }
  return usernames;
}

/** Adds TAKEN when a database of that engine (of any account) already has the name. */
export async function checkDatabaseNameFree(v: Validator, em: EntityManager, name: string, type: DatabaseType): Promise<void> {
  if (await em.count(Database, { name, type }, { filters: false })) v.add('name', 'is already taken', UserErrorCode.TAKEN);
}

export async function checkDatabaseUsernameFree(v: Validator, em: EntityManager, username: string, type: DatabaseType): Promise<void> {
  if (await em.count(DatabaseUser, { username, type }, { filters: false })) v.add('username', 'is already taken', UserErrorCode.TAKEN);
}
