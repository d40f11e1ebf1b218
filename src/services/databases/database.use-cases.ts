import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Database } from '../../entities/services/database.js';
import type { DatabaseType } from '../../entities/services/database-type.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import type { DatabaseSettings } from './database-settings.js';
import { checkDatabaseName, checkDatabaseNameFree, checkDatabaseUsers, prefixedName } from './database.validation.js';

/** Loads a database the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findDatabase(em: EntityManager, globalId: string, field = 'id'): Promise<Database> {
  const database = await em.findOne(Database, { id: idOf('Database', globalId, field) }, { populate: ['account'] });
  if (!database) throw new NotFoundError('Database', field);
  return database;
}

export interface NewDatabase {
  accountId: string;
  type: DatabaseType;
  name: string;
  /** DatabaseUsers of the account and engine, the owner first. */
  userIds: readonly string[];
}

/** Creates a database of an account, owned by its first user. */
export async function createDatabase({ em, audit }: UseCase, input: NewDatabase, settings: DatabaseSettings): Promise<Database> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  const name = prefixedName(input.name, account, settings);
  checkDatabaseName(v, name);
  if (v.ok) await checkDatabaseNameFree(v, em, name, input.type);
  const users = await checkDatabaseUsers(v, em, account, input.type, input.userIds);
  v.check();
  const database = em.create(Database, { account, name, type: input.type, users });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.name', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('Database', database.id));
  return database;
}

/** Replaces the database's users (the first is the owner): swapping users, adding and removing them. */
export async function updateDatabase({ em, audit }: UseCase, input: { id: string; userIds?: readonly string[] | null }): Promise<Database> {
  const database = await findDatabase(em, input.id, 'input.id');
  const account = database.account.getEntity();
  noteTouched(audit, account, input.id);
  audit.changedFields = [];
  if (input.userIds === undefined || input.userIds === null) return database;
  const v = new Validator();
  const users = await checkDatabaseUsers(v, em, account, database.type, input.userIds);
  v.check();
  if (JSON.stringify(users) !== JSON.stringify(database.users)) {
    database.users = users;
    audit.changedFields = ['users'];
  }
  return database;
}

/** Drops the database on its servers, with its data. Its users stay. */
export async function deleteDatabase({ em, audit }: UseCase, id: string): Promise<void> {
  const database = await findDatabase(em, id);
  noteTouched(audit, database.account.getEntity(), id);
  em.remove(database);
}
