/**
 * Snapshots shared by the database backends of both engines (mariadb-*, postgresql-*): one shape per model, the
 * engine's password hash format checked by the engine's backend.
 *
 * - DatabaseUser: username, engine, the hash the engine stores (never a password), and whether it may log in: the
 *   EFFECTIVE state, false when its account is disabled.
 * - Database: name, engine and its users in order, the first the owner. A database always has an owner.
 */
import { IssueList, isPlainObject, own } from '../validation.js';
import { validateDatabaseName, validateDatabaseUsername } from './database-names.js';

export type DatabaseEngine = 'mariadb' | 'postgresql';

/** The plain object the DatabaseUser service module gives the backends. */
export interface DatabaseUserSource {
  username: string;
  type: DatabaseEngine;
  passwordHash: string;
  account: { username: string; isActive: boolean; type?: string | null };
}

export interface DatabaseUserSnapshot {
  username: string;
  type: DatabaseEngine;
  passwordHash: string;
  /** False: the user cannot log in (its account is disabled). */
  isActive: boolean;
  accountUsername: string;
  accountType: string | null;
}

/** The plain object the Database service module gives the backends. */
export interface DatabaseSource {
  name: string;
  type: DatabaseEngine;
  /** Usernames, the owner first. */
  users: readonly string[];
  /** Over its size allocation (resource limit actions): its users may not write (INSERT, UPDATE, CREATE). */
  overLimit?: boolean;
  account: { username: string; type?: string | null };
}

export interface DatabaseSnapshot {
  name: string;
  type: DatabaseEngine;
  /** The owner: full rights, and GRANT OPTION on MariaDB, ownership on PostgreSQL. */
  owner: string;
  /** The other users: read-write access. Without duplicates, never the owner. */
  others: string[];
  /** Over its size allocation: the users lose INSERT, UPDATE and CREATE on it until it recovers. */
  overLimit: boolean;
  accountUsername: string;
  accountType: string | null;
}

/** Whether a source (from the service module) is of this engine: each engine's backends serve only their own. */
export function isOfEngine(source: unknown, engine: DatabaseEngine): boolean {
  return isPlainObject(source) && own(source, 'type') === engine;
}

function accountFields(issues: IssueList, obj: Record<string, unknown>, fromSource: boolean) {
  if (fromSource) {
    const account = own(obj, 'account');
    if (!isPlainObject(account)) {
      issues.add('account', 'must be an object');
      return { accountUsername: '', accountType: null, accountActive: false };
    }
    const type = own(account, 'type');
    return {
      accountUsername: issues.string(account, 'username', 'account.username'),
      accountType: typeof type === 'string' ? type : null,
      accountActive: issues.boolean(account, 'isActive', 'account.isActive', true),
    };
  }
  const type = own(obj, 'accountType');
  if (type !== null && typeof type !== 'string') issues.add('accountType', 'must be a string or null');
  return { accountUsername: issues.string(obj, 'accountUsername'), accountType: typeof type === 'string' ? type : null, accountActive: true };
}

export function validateUserSnapshot(
  raw: unknown,
  fromSource: boolean,
  backend: string,
  engine: DatabaseEngine,
  hashProblem: (hash: string) => string | null,
): DatabaseUserSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, backend);
  const username = issues.string(obj, 'username');
  if (username) issues.check('username', validateDatabaseUsername(username));
  if (own(obj, 'type') !== engine) issues.add('type', `must be ${engine}`);
  const passwordHash = issues.string(obj, 'passwordHash');
  if (passwordHash) issues.check('passwordHash', hashProblem(passwordHash));
  const { accountUsername, accountType, accountActive } = accountFields(issues, obj, fromSource);
  const isActive = fromSource ? accountActive : issues.boolean(obj, 'isActive');
  issues.throwIfAny(backend);
  return { username, type: engine, passwordHash, isActive, accountUsername, accountType };
}

export function validateDatabaseSnapshot(raw: unknown, fromSource: boolean, backend: string, engine: DatabaseEngine): DatabaseSnapshot {
  const issues = new IssueList();
  const obj = issues.object(raw, backend);
  const name = issues.string(obj, 'name');
  if (name) issues.check('name', validateDatabaseName(name));
  if (own(obj, 'type') !== engine) issues.add('type', `must be ${engine}`);
  const users: string[] = [];
  if (fromSource) {
    const list = own(obj, 'users');
    if (!Array.isArray(list)) issues.add('users', 'must be a list of usernames');
    else {
      list.forEach((u, i) => {
        if (typeof u === 'string' && validateDatabaseUsername(u) === null) users.push(u);
        else issues.add(`users[${i}]`, 'must be a valid username');
      });
    }
  } else {
    const owner = own(obj, 'owner');
    const others = own(obj, 'others');
    if (typeof owner !== 'string' || validateDatabaseUsername(owner) !== null) issues.add('owner', 'must be a valid username');
    else users.push(owner);
    if (!Array.isArray(others)) issues.add('others', 'must be a list of usernames');
    else {
      others.forEach((u, i) => {
        if (typeof u === 'string' && validateDatabaseUsername(u) === null) users.push(u);
        else issues.add(`others[${i}]`, 'must be a valid username');
      });
    }
  }
  if (issues.ok && users.length === 0) issues.add('users', 'must name at least the owner');
  const { accountUsername, accountType } = accountFields(issues, obj, fromSource);
  // Absent in snapshots stored before resource limits existed: not limited.
  const overLimit = own(obj, 'overLimit') ?? false;
  if (typeof overLimit !== 'boolean') issues.add('overLimit', 'must be a boolean');
  issues.throwIfAny(backend);
  const [owner, ...rest] = users;
  return { name, type: engine, owner: owner!, others: [...new Set(rest)].filter((u) => u !== owner), overLimit: overLimit === true, accountUsername, accountType };
}

export const DATABASE_MATCH_FIELDS = ['database.name', 'account.username', 'account.type'] as const;
export const DATABASE_USER_MATCH_FIELDS = ['databaseuser.username', 'databaseuser.isActive', 'account.username', 'account.type'] as const;
