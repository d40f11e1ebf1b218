import type { EntityManager } from '@mikro-orm/postgresql';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Account } from '../../entities/accounts/account.js';
import { SystemUser, SystemUserShell } from '../../entities/services/system-user.js';
import { findAccount } from '../../accounts/find-account.js';
import { noteTouched } from '../../audit/audit-note.js';
import { NotFoundError } from '../../errors/domain-error.js';
import { UserErrorCode, UserInputError } from '../../errors/user-input-error.js';
import { idOf, toGlobalId } from '../../schema/relay/global-id.js';
import type { UseCase } from '../../use-cases/use-case.js';
import { Validator } from '../../validation/validator.js';
import { removeOwned } from '../cascade.js';
import {
  checkGroups, checkHome, checkSystemPassword, checkSystemUsername, checkUsernameFree, type SystemUserState,
} from './system-user.validation.js';

/** Loads a system user the EntityManager may see, with its account, or fails with NOT_FOUND on `field`. */
export async function findSystemUser(em: EntityManager, globalId: string, field = 'id'): Promise<SystemUser> {
  const user = await em.findOne(SystemUser, { id: idOf('SystemUser', globalId, field) }, { populate: ['account'] });
  if (!user) throw new NotFoundError('SystemUser', field);
  return user;
}

/** The other system users of the account (the rules compare against them). */
function othersOf(em: EntityManager, account: Account, self?: SystemUser): Promise<SystemUser[]> {
  return em.find(SystemUser, { account, ...(self ? { id: { $ne: self.id } } : {}) }, { orderBy: { username: 'asc' } });
}

/** Checks the whole state; returns the home and groups to store, and the new hash when a password was given. */
function checkState(v: Validator, state: SystemUserState, others: SystemUser[], password: string | undefined | null) {
  const home = checkHome(v, state, others);
  const groups = checkGroups(v, state, others);
  const passwordHash = password === undefined || password === null ? undefined : checkSystemPassword(v, password);
  return { home, groups, passwordHash };
}

export interface NewSystemUser {
  accountId: string;
  username: string;
  shell?: SystemUserShell | null;
  home?: string | null;
  groups?: string[] | null;
  password?: string | null;
}

/** Creates a system user of an account (never a main one: those come with the account). */
export async function createSystemUser({ em, audit }: UseCase, input: NewSystemUser): Promise<SystemUser> {
  const account = await findAccount(em, input.accountId, 'input.accountId');
  noteTouched(audit, account);
  const v = new Validator();
  const username = checkSystemUsername(v, input.username);
  if (v.ok) await checkUsernameFree(v, em, username, account);
  const state: SystemUserState = { username, shell: input.shell ?? SystemUserShell.NOLOGIN, isMain: false, home: input.home ?? '', groups: input.groups ?? [] };
  const { home, groups, passwordHash } = checkState(v, state, await othersOf(em, account), input.password);
  v.check();
  const user = em.create(SystemUser, { account, username, shell: state.shell, home, groups, passwordHash: passwordHash ?? null });
  try {
    await em.flush();
  } catch (err) {
    // Lost a race with another request creating the same name.
    if (err instanceof UniqueConstraintViolationException) throw new UserInputError('input.username', 'is already taken', UserErrorCode.TAKEN);
    throw err;
  }
  audit.objectIds.push(toGlobalId('SystemUser', user.id));
  return user;
}

export interface SystemUserChanges {
  id: string;
  shell?: SystemUserShell | null;
  home?: string | null;
  groups?: string[] | null;
  password?: string | null;
}

/** Changes password, shell, home or groups; the username cannot change. */
export async function updateSystemUser({ em, audit }: UseCase, input: SystemUserChanges): Promise<SystemUser> {
  const user = await findSystemUser(em, input.id, 'input.id');
  const account = user.account.getEntity();
  noteTouched(audit, account, input.id);
  const v = new Validator();
  const state: SystemUserState = {
    username: user.username,
    shell: input.shell ?? user.shell,
    isMain: user.isMain,
    home: input.home ?? user.home,
    groups: input.groups ?? user.groups,
  };
  const { home, groups, passwordHash } = checkState(v, state, await othersOf(em, account, user), input.password);
  v.check();
  const changes: Partial<Pick<SystemUser, 'shell' | 'home' | 'groups' | 'passwordHash'>> = {};
  if (state.shell !== user.shell) changes.shell = state.shell;
  if (home !== user.home) changes.home = home;
  if (JSON.stringify(groups) !== JSON.stringify(user.groups)) changes.groups = groups;
  if (passwordHash) changes.passwordHash = passwordHash;
  em.assign(user, changes);
  // Field names only: the audit log never holds a password or its hash.
  audit.changedFields = Object.keys(changes).map((k) => (k === 'passwordHash' ? 'password' : k));
  return user;
}

/** Disabled: locked password, expired account on the servers (files kept); its crontab is commented out. */
export async function setSystemUserActive({ em, audit }: UseCase, id: string, isActive: boolean): Promise<SystemUser> {
  const user = await findSystemUser(em, id);
  noteTouched(audit, user.account.getEntity(), id);
  audit.changedFields = user.isActive === isActive ? [] : ['isActive'];
  user.isActive = isActive;
  return user;
}

/** Deletes the user with what it owns (its crontab) and its home on the servers; a main user goes only with its account. */
export async function deleteSystemUser({ em, audit }: UseCase, id: string): Promise<void> {
  const user = await findSystemUser(em, id);
  const account = user.account.getEntity();
  noteTouched(audit, account, id);
  if (user.isMain) throw new UserInputError('id', 'the main system user is deleted only with its account', UserErrorCode.NOT_ALLOWED);
  await removeOwned(em, 'SystemUser', user.id);
  // Other users stop joining its group; otherwise their next save would create the group again.
  for (const member of await em.find(SystemUser, { account, groups: { $contains: [user.username] } })) {
    member.groups = member.groups.filter((g) => g !== user.username);
  }
  em.remove(user);
}
