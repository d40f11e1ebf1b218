import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { Account } from '../entities/accounts/account.js';
import { AccountType } from '../entities/accounts/account-type.js';
import { User } from '../entities/auth/user.js';
import { endSessionsOfAccount } from '../auth/end-sessions.js';
import { hashPassword, passwordProblem } from '../auth/password.js';
import { noteTouched } from '../audit/audit-note.js';
import { UserErrorCode, UserInputError } from '../errors/user-input-error.js';
import { toGlobalId } from '../schema/relay/global-id.js';
import { removeOwned } from '../services/cascade.js';
import { serviceModules } from '../services/index.js';
import type { UseCase } from '../use-cases/use-case.js';
import { Validator } from '../validation/validator.js';
import { checkLanguage, checkUsername } from './account.validation.js';
import { findAccount } from './find-account.js';

export interface NewAccount {
  username: string;
  type?: AccountType | null;
  language?: string | null;
  shortName?: string | null;
  fullName?: string | null;
  comments?: string | null;
  password?: string | null;
}

/** Creates an account and its login user, both named `username`, with what its services give it from the start. */
export async function createAccount({ em, audit }: UseCase, input: NewAccount): Promise<Account> {
  const v = new Validator();
  const username = checkUsername(v, input.username);
  const language = checkLanguage(v, input.language ?? undefined);
  const shortName = v.text('shortName', input.shortName ?? undefined, { max: 64 });
  const fullName = v.text('fullName', input.fullName ?? undefined, { max: 256 });
  const comments = v.text('comments', input.comments ?? undefined, { max: 10_000 });
  const problem = input.password === undefined || input.password === null ? null : passwordProblem(input.password);
  if (problem) v.add('password', problem);
  v.check();
  if (await em.count(Account, { username })) throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
  const account = em.create(Account, { username, type: input.type ?? AccountType.INDIVIDUAL, language: language ?? 'en', shortName, fullName, comments });
  em.create(User, { account, username, passwordHash: input.password ? await hashPassword(input.password) : null });
  // What each service gives a new account from the start (its main system user).
  for (const module of serviceModules()) await module.createdWithAccount?.(em, account, { password: input.password ?? null });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  noteTouched(audit, account, toGlobalId('Account', account.id));
  return account;
}

export interface AccountChanges {
  id: string;
  type?: AccountType | null;
  language?: string | null;
  shortName?: string | null;
  fullName?: string | null;
  comments?: string | null;
}

/** Changes an account's details; its type and staff comments only by an administrator. */
export async function updateAccount({ em, actor, audit }: UseCase, input: AccountChanges): Promise<Account> {
  const account = await findAccount(em, input.id, 'input.id');
  noteTouched(audit, account, input.id);
  const v = new Validator();
  if (!actor.isAdmin && input.type != null) v.add('type', 'only admins may change it', UserErrorCode.NOT_ALLOWED);
  if (!actor.isAdmin && input.comments != null) v.add('comments', 'only admins may change it', UserErrorCode.NOT_ALLOWED);
  const language = checkLanguage(v, input.language ?? undefined);
  const shortName = input.shortName == null ? undefined : v.text('shortName', input.shortName, { max: 64 });
  const fullName = input.fullName == null ? undefined : v.text('fullName', input.fullName, { max: 256 });
  const comments = input.comments == null ? undefined : v.text('comments', input.comments, { max: 10_000 });
  v.check();
  const changes = { type: input.type ?? undefined, language, shortName, fullName, comments };
  const changed = Object.entries(changes).filter(([k, value]) => value !== undefined && value !== account[k as keyof Account]);
  em.assign(account, Object.fromEntries(changed));
  audit.changedFields = changed.map(([k]) => k);
  return account;
}

/**
 * Disables or enables an account. Disabled, its users cannot log in (their sessions end at once and stay ended), and
 * its services are disabled on the servers (the service modules declare the saves an account's `isActive` implies).
 */
export async function setAccountActive({ em, actor, audit }: UseCase, id: string, isActive: boolean): Promise<Account> {
  const account = await findAccount(em, id);
  noteTouched(audit, account, id);
  if (account.id === actor.accountId && !isActive) throw new UserInputError('id', 'you cannot disable your own account', UserErrorCode.NOT_ALLOWED);
  audit.changedFields = account.isActive === isActive ? [] : ['isActive'];
  if (account.isActive && !isActive) await endSessionsOfAccount(em, account.id);
  account.isActive = isActive;
  return account;
}

/**
 * Deletes an account with everything it owns: its services first (what the service modules declare owned, each
 * through the ORM, so each becomes a delete on its servers: nothing of the account remains there), then the account
 * with its contacts, users and tokens (the database's cascades).
 */
export async function deleteAccount({ em, actor, audit }: UseCase, id: string): Promise<void> {
  const account = await findAccount(em, id);
  noteTouched(audit, { id: account.id, username: account.username }, id);
  if (account.id === actor.accountId) throw new UserInputError('id', 'you cannot delete your own account', UserErrorCode.NOT_ALLOWED);
  await removeOwned(em, 'Account', account.id);
  await em.flush();
  em.remove(account);
  await em.flush();
  // The entry outlives the account: keep its name, drop the foreign key.
  audit.accountId = null;
}
