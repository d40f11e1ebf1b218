import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Database } from '../../entities/services/database.js';
import { DatabaseType } from '../../entities/services/database-type.js';
import { DatabaseUser } from '../../entities/services/database-user.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import type { DatabaseSettings } from './database-settings.js';
import { checkDatabasePassword, checkDatabaseUsername, checkDatabaseUsernameFree, prefixedName } from './database.validation.js';

/** Loads a database user the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findDatabaseUser(em: EntityManager, globalId: string, field = 'id'): Promise<DatabaseUser> {
  const user = await em.findOne(DatabaseUser, { id: idOf('DatabaseUser', globalId, field) }, { populate: ['account'] });
  if (!user) throw new NotFoundError('DatabaseUser', field);
  return user;
}

export interface NewDatabaseUser {
  accountId: string;
  type: DatabaseType;
  username: string;
  password: string;
}

/** Creates a database user of an account; the password is kept only as the hash its engine stores. */
export async function createDatabaseUser({ em, audit }: UseCase, input: NewDatabaseUser, settings: DatabaseSettings): Promise<DatabaseUser> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  const username = prefixedName(input.username, account, settings);
  checkDatabaseUsername(v, username);
  if (v.ok) await checkDatabaseUsernameFree(v, em, username, input.type);
  const passwordHash = checkDatabasePassword(v, input.type, input.password);
  v.check();
  const user = em.create(DatabaseUser, { account, username, type: input.type, passwordHash: passwordHash! });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('DatabaseUser', user.id));
  // Field names only: the audit log never holds a password or its hash.
  audit.changedFields = ['username', 'type', 'password'];
  return user;
}

/** Sets a new password: the servers get its new hash, and the old password stops working. */
export async function updateDatabaseUser({ em, audit }: UseCase, input: { id: string; password?: string | null }): Promise<DatabaseUser> {
  const user = await findDatabaseUser(em, input.id, 'input.id');
  noteTouched(audit, user.account.getEntity(), input.id);
  const v = new Validator();
  const passwordHash = input.password === undefined || input.password === null ? undefined : checkDatabasePassword(v, user.type, input.password);
  v.check();
  audit.changedFields = [];
  if (passwordHash) {
    user.passwordHash = passwordHash;
    audit.changedFields = ['password'];
  }
  return user;
}

/**
 * Deletes the user on its servers; databases it is a read-write user of lose it. The owner of a database is refused
 * (the database would be left without one): delete the database or give it another owner first.
 */
export async function deleteDatabaseUser({ em, audit }: UseCase, id: string): Promise<void> {
  const user = await findDatabaseUser(em, id);
  const account = user.account.getEntity();
  noteTouched(audit, account, id);
  const databases = await em.find(Database, { account, type: user.type, users: { $contains: [user.username] } }, { orderBy: { name: 'asc' } });
  const owned = databases.filter((d) => d.users[0] === user.username);
  if (owned.length) {
    throw new UserInputError('id', `owns the database${owned.length > 1 ? 's' : ''} ${owned.map((d) => d.name).join(', ')}: delete ${owned.length > 1 ? 'them' : 'it'} or give ${owned.length > 1 ? 'them' : 'it'} another owner first`, UserErrorCode.NOT_ALLOWED);
  }
  for (const database of databases) database.users = database.users.filter((u) => u !== user.username);
  em.remove(user);
}
