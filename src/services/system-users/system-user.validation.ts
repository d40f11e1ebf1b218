/**
 * The rules of a system user (django-orchestra inventory §2.2), on top of the backend's own validators (reused, not
 * duplicated: src/orchestration/backends/system-users/system-users.backend.ts). Everything is checked on the WHOLE state after an update
 * is merged in, so a change of shell is checked against the home it would then have.
 *
 * Decisions:
 * - The username is unique among system users AND among accounts: an account's name is its main system user's name,
 *   so no other system user may take it, not even one of the same account (it would be a second "main").
 *   Uniqueness is global, so it is checked without the tenant scope; the caller learns only "taken".
 * - Homes: a shell (bash) user and the main user use /home/<username>. A non-shell user may use its own home or a
 *   directory STRICTLY under the main user's home: the backend chowns a home to its user and removes it with the
 *   user, so the main user's home itself (or another user's home, or a directory inside or around one) would be
 *   taken from its owner or deleted with someone else. Stored as '' when it is the default.
 * - Homes are not trimmed or normalised: a value is valid as sent or refused (validateHome refuses spaces, control
 *   characters, "..", trailing "/"…).
 * - Groups: usernames of other system users of the same account, never itself; duplicates dropped, sorted.
 * - Passwords: passwordProblem(), the one rule of every password (printable text, 10 to 256 characters). Stored
 *   only as SHA-512-crypt.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Account } from '../../entities/accounts/account.js';
import { SystemUser, SystemUserShell } from '../../entities/services/system-user.js';
import { passwordProblem } from '../../auth/password.js';
import { hashSystemPassword } from '../../crypto/sha512-crypt.js';
import { validateHome, validateNewUsername, validateUsername } from '../../orchestration/backends/system-users/system-users.backend.js';
import { UserErrorCode } from '../../errors/user-input-error.js';
import type { Validator } from '../../validation/validator.js';

/** Most supplementary groups one user may join through the panel. */
export const MAX_GROUPS = 64;

export function defaultHome(username: string): string {
  return `/home/${username}`;
}

/** The home the user has on the servers: its own default when none is set. */
export function effectiveHome(user: { username: string; home: string }): string {
  return user.home || defaultHome(user.username);
}

export function checkSystemUsername(v: Validator, username: string): string {
  if (username === '') v.add('username', 'is required', UserErrorCode.REQUIRED);
  else if (username.length > 32) v.add('username', 'must be at most 32 characters', UserErrorCode.TOO_LONG);
  else {
    const problem = validateNewUsername(username);
    if (problem) v.add('username', problem);
  }
  return username;
}

/** Adds TAKEN when a system user or an account (of any tenant) already has the name. */
export async function checkUsernameFree(v: Validator, em: EntityManager, username: string, account: Account): Promise<void> {
  if (await em.count(SystemUser, { username }, { filters: false })) {
    v.add('username', 'is already taken', UserErrorCode.TAKEN);
  } else if (username === account.username) {
    v.add('username', 'is the name of the account\'s main system user', UserErrorCode.TAKEN);
  } else if (await em.count(Account, { username }, { filters: false })) {
    v.add('username', 'is already taken', UserErrorCode.TAKEN);
  }
}

/** The SHA-512-crypt hash of an acceptable password, or undefined (and a userError) when it is not acceptable. */
export function checkSystemPassword(v: Validator, password: string): string | undefined {
  const problem = passwordProblem(password);
  if (problem) {
    v.add('password', problem);
    return undefined;
  }
  return hashSystemPassword(password);
}

/** The state the rules apply to: the user as it would be saved. */
export interface SystemUserState {
  username: string;
  shell: SystemUserShell;
  isMain: boolean;
  /** As requested: '' for the default home. */
  home: string;
  groups: readonly string[];
}

/** Checks the home against the rules; returns the value to store ('' for the default). */
export function checkHome(v: Validator, user: SystemUserState, others: readonly SystemUser[]): string {
  const own = defaultHome(user.username);
  const home = user.home || own;
  if (user.home) {
    const problem = validateHome(user.home);
    if (problem) {
      v.add('home', problem);
      return user.home;
    }
  }
  if (home === own) return '';
  if (user.isMain) {
    v.add('home', `the main system user must use its own home ${own}`);
    return user.home;
  }
  if (user.shell === SystemUserShell.BASH) {
    v.add('home', `a shell user must use its own home ${own}`);
    return user.home;
  }
  const main = others.find((o) => o.isMain);
  const mainHome = main ? effectiveHome(main) : null;
  if (!mainHome || !home.startsWith(`${mainHome}/`)) {
    v.add('home', mainHome ? `must be ${own} or a directory under the main user's home ${mainHome}` : `must be ${own}`);
    return user.home;
  }
  for (const other of others) {
    if (other.isMain) continue;
    const theirs = effectiveHome(other);
    if (theirs === home) v.add('home', `is the home of ${other.username}`, UserErrorCode.TAKEN);
    else if (home.startsWith(`${theirs}/`)) v.add('home', `is inside the home of ${other.username}`);
    else if (theirs.startsWith(`${home}/`)) v.add('home', `contains the home of ${other.username}`);
  }
  return user.home;
}

/** Checks the groups: other system users of the same account; returns them sorted, without duplicates. */
export function checkGroups(v: Validator, user: SystemUserState, others: readonly SystemUser[]): string[] {
  const groups = [...new Set(user.groups)].sort();
  if (groups.length > MAX_GROUPS) {
    v.add('groups', `must be at most ${MAX_GROUPS} groups`, UserErrorCode.TOO_LONG);
    return groups;
  }
  const known = new Set(others.map((o) => o.username));
  for (const group of groups) {
    const shown = JSON.stringify(group.slice(0, 40));
    if (validateUsername(group)) v.add('groups', `${shown} is not a valid username`);
    else if (group === user.username) v.add('groups', 'a user cannot be a member of its own group');
    else if (!known.has(group)) v.add('groups', `${shown} is not a system user of this account`, UserErrorCode.NOT_FOUND);
  }
  return groups;
}
