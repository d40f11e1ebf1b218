/**
 * System users (django-orchestra's UNIXUserController, inventory §2.2): a UNIX user and its group per SystemUser,
 * with home, login shell, supplementary groups and a SHA-512-crypt password hash.
 *
 * Decisions:
 * - The snapshot carries the hash, never a clear password. Only `$6$` (SHA-512-crypt) hashes or null (no
 *   password: `*`, key-based login only) are accepted.
 * - `isActive` in the snapshot is the EFFECTIVE state: the user's own flag AND its account's. A disabled user gets
 *   `!` + hash (passwd -S shows L; enabling restores the exact hash: the original's enable() disabled, §9.1) and an
 *   expired account (`--expiredate 1`), so SSH keys and cron stop working too, not only passwords; files are kept.
 * - Shells: '/bin/bash' as is; '/dev/null' (FTP only) → nologin; '/bin/rssh' (SFTP/rsync only) → rssh when the
 *   server has it, else nologin (note: nologin also refuses SFTP unless sshd forces internal-sftp for these users).
 * - Homes are strictly under /home (validated here AND checked by the script, which also refuses symbolic links on
 *   the way, so a user owning a parent directory cannot redirect our root chown/rm elsewhere). A home is created
 *   with /etc/skel, owner user:user, mode 0750. A home change does not move files (usermod without -m).
 * - Groups are other system users' groups (the API restricts them to the same account). A missing one is created
 *   (its user may come later in commit order; useradd then reuses it); a system group (gid < GID_MIN: sudo, shadow,
 *   docker…) is refused by the script, as is touching a user with uid < UID_MIN (root…).
 * - The username is the identity on the server: it cannot be renamed here (a new name would be a new user).
 * - delete: kill the user's processes, remove its crontab, its home (only if it belongs to it), its mail spool, the
 *   user, then its group if no one uses it any more.
 * - Not yet: the original's extra members (www-data) in every user's group, ACLs for homes inside the main user's
 *   home, set_permission / create_link / validate_paths_exist actions.
 */
import { defineBackend, type TypedOperation } from '../backend.js';
import { ShellCode, joinShell, sh } from '../../shell/quote.js';
import { bashFragment } from '../../shell/fragment.js';
import { IssueList, isPlainObject, own } from '../validation.js';
import { isAlwaysReservedUsername, isReservedUsername } from './reserved-usernames.js';

export const SYSTEM_USER_SHELLS = ['/dev/null', '/bin/rssh', '/bin/bash'] as const;
export type SystemUserShell = (typeof SYSTEM_USER_SHELLS)[number];

/** The plain object the collector passes to `snapshot()` (built from entities, no ORM types). */
export interface SystemUserSource {
  username: string;
  /** SHA-512-crypt hash (`$6$…`), or null for no password. */
  passwordHash: string | null;
  /** Defaults to /home/<username>. */
  home?: string | null;
  shell: SystemUserShell;
  /** Usernames of other system users whose groups this user joins. */
  groups?: readonly string[];
  isActive: boolean;
  isMain: boolean;
  /** Over its disk allocation (resource limit actions): no login shell until it recovers. */
  overLimit?: boolean;
  account: { username: string; isActive: boolean; type?: string | null };
}

export interface SystemUserSnapshot {
  username: string;
  passwordHash: string | null;
  home: string;
  shell: SystemUserShell;
  /** Sorted, without duplicates. */
  groups: string[];
  /** Effective: the user's own flag AND its account's. */
  isActive: boolean;
  isMain: boolean;
  /** Over its disk allocation: its login shell is nologin whatever `shell` says, until it recovers. */
  overLimit: boolean;
  accountUsername: string;
  accountType: string | null;
}

const USERNAME = /^[a-z][a-z0-9_.-]{0,31}$/;
const SHA512_CRYPT = /^\$6\$(rounds=[1-9][0-9]{3,8}\$)?[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{86}$/;
const HOME_SEGMENT = /^[A-Za-z0-9_@+-][A-Za-z0-9_.@+-]*$/;

/**
 * Null when valid, else why not. For snapshots and the GraphQL layer; a NEW name must also not be reserved
 * (validateNewUsername): the list grew, and objects stored before keep working.
 */
export function validateUsername(username: string): string | null {
  if (!USERNAME.test(username)) {
    return 'must be 1 to 32 characters: lowercase letters, digits, "_", "." or "-", starting with a letter';
  }
  if (isAlwaysReservedUsername(username)) return 'is reserved for the system';
  return null;
}

/** validateUsername, and not a name a server keeps for itself (./reserved-usernames.ts). */
export function validateNewUsername(username: string): string | null {
  return validateUsername(username) ?? (isReservedUsername(username) ? 'is reserved for the system' : null);
}

export function validatePasswordHash(hash: string | null): string | null {
  if (hash === null) return null;
  return SHA512_CRYPT.test(hash) ? null : 'must be a SHA-512-crypt hash ($6$…)';
}

export function validateHome(home: string): string | null {
  if (home.length > 200) return 'must be at most 200 characters';
  if (!home.startsWith('/home/')) return 'must be under /home/';
  const segments = home.slice('/home/'.length).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..' || !HOME_SEGMENT.test(s))) {
    return 'must be a normalised absolute path (letters, digits, "_", ".", "@", "+", "-"; no "..", no trailing "/")';
  }
  return null;
}

function validateSnapshotFields(raw: unknown, issues: IssueList, fromSource: boolean): SystemUserSnapshot {
  const obj = issues.object(raw, systemUsersBackend.name);
  const username = issues.string(obj, 'username');
  if (username) issues.check('username', validateUsername(username));

  const rawHash = own(obj, 'passwordHash');
  let passwordHash: string | null = null;
  if (rawHash === null || typeof rawHash === 'string') {
    passwordHash = rawHash;
    issues.check('passwordHash', validatePasswordHash(passwordHash));
  } else issues.add('passwordHash', 'must be a SHA-512-crypt hash or null');

  let home: string;
  const rawHome = own(obj, 'home');
  if (fromSource && (rawHome === undefined || rawHome === null || rawHome === '')) home = `/home/${username}`;
  else home = issues.string(obj, 'home');
  if (home) issues.check('home', validateHome(home));

  const shell = own(obj, 'shell');
  if (!SYSTEM_USER_SHELLS.includes(shell as SystemUserShell)) issues.add('shell', `must be one of ${SYSTEM_USER_SHELLS.join(', ')}`);

  const rawGroups = own(obj, 'groups') ?? (fromSource ? [] : undefined);
  const groups: string[] = [];
  if (!Array.isArray(rawGroups)) issues.add('groups', 'must be a list of usernames');
  else {
    rawGroups.forEach((g, i) => {
      if (typeof g !== 'string' || validateUsername(g) !== null) issues.add(`groups[${i}]`, 'must be a valid username');
      else if (g === username) issues.add(`groups[${i}]`, 'a user cannot be a member of its own group');
      else groups.push(g);
    });
  }

  const isMain = issues.boolean(obj, 'isMain');
  let isActive: boolean;
  let accountUsername: string;
  let accountType: string | null = null;
  if (fromSource) {
    const account = own(obj, 'account');
    if (!isPlainObject(account)) {
      issues.add('account', 'must be an object');
      isActive = false;
      accountUsername = '';
    } else {
      const userActive = issues.boolean(obj, 'isActive');
      const accountActive = issues.boolean(account, 'isActive', 'account.isActive');
      isActive = userActive && accountActive;
      accountUsername = issues.string(account, 'username', 'account.username');
      const type = own(account, 'type');
      if (typeof type === 'string') accountType = type;
    }
  } else {
    isActive = issues.boolean(obj, 'isActive');
    accountUsername = issues.string(obj, 'accountUsername');
    const type = own(obj, 'accountType');
    if (typeof type === 'string') accountType = type;
    else if (type !== null && type !== undefined) issues.add('accountType', 'must be a string or null');
  }
  // Absent in snapshots stored before resource limits existed: not limited.
  const overLimit = own(obj, 'overLimit') ?? false;
  if (typeof overLimit !== 'boolean') issues.add('overLimit', 'must be a boolean');
  issues.throwIfAny(systemUsersBackend.name);
  return {
    username,
    passwordHash,
    home,
    shell: shell as SystemUserShell,
    groups: [...new Set(groups)].sort(),
    isActive,
    isMain,
    overLimit: overLimit === true,
    accountUsername,
    accountType,
  };
}

// ── bash ─────────────────────────────────────────────────────────────────────────────────────────────────────
// Constant code in the .sh files beside this module, reviewed once; the sections only call their functions with
// quoted arguments. A script defines only the functions its operations use.

const HOME_PATH = bashFragment(new URL('./home-path.sh', import.meta.url));
const SAVE = bashFragment(new URL('./save.sh', import.meta.url));
const DELETE = bashFragment(new URL('./delete.sh', import.meta.url));

function saveCall(s: SystemUserSnapshot): ShellCode {
  // '*' in the shadow file: no password can match it (login with SSH keys only).
  const state = s.isActive ? 'active' : 'disabled';
  // '/dev/null' is the panel's "no login shell": nologin on the server.
  const shell = s.overLimit ? '/dev/null' : s.shell;
  return sh`save_user ${[s.username, s.home, shell, state, s.passwordHash ?? '*', ...s.groups]}`;
}

export const systemUsersBackend = defineBackend<SystemUserSnapshot>({
  name: 'system-users',
  description: 'UNIX users and groups (useradd, usermod, userdel): home, shell, groups, password hash, disabled state.',
  model: 'SystemUser',
  // The account's activity reaches the snapshot through `isActive`; the collector turns an account's
  // disable/enable into saves of its system users.
  ignoredFields: ['description', 'createdAt', 'updatedAt'],
  actions: ['save', 'delete'],
  timeoutMs: 2 * 60_000,
  matchFields: [
    'systemuser.username',
    'systemuser.shell',
    'systemuser.home',
    'systemuser.groups',
    'systemuser.isActive',
    'systemuser.isMain',
    'account.username',
    'account.type',
  ],
  booleanMatchFields: ['systemuser.isActive', 'systemuser.isMain'],
  snapshot: (source) => validateSnapshotFields(source, new IssueList(), true),
  parseSnapshot: (raw) => validateSnapshotFields(raw, new IssueList(), false),
  matchContext: (s) => ({
    systemuser: { username: s.username, shell: s.shell, home: s.home, groups: s.groups, isActive: s.isActive, isMain: s.isMain },
    account: { username: s.accountUsername, type: s.accountType },
  }),
  label: (s) => s.username,
  prepare(operations) {
    const actions = new Set(operations.map((op) => op.action));
    return joinShell([HOME_PATH, actions.has('save') ? SAVE : ShellCode.empty, actions.has('delete') ? DELETE : ShellCode.empty], '\n\n');
  },
  section(op: TypedOperation<SystemUserSnapshot>) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`delete_user ${s.username} ${s.home}`;
    return saveCall(s);
  },
});
