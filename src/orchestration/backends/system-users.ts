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
import { defineBackend, type TypedOperation } from './backend.js';
import { ShellCode, bashCode, joinShell, sh } from '../shell/quote.js';
import { IssueList, isPlainObject, own } from './validation.js';
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
  if (!isPlainObject(raw)) {
    issues.add('', 'must be an object');
    issues.throwIfAny(systemUsersBackend.name);
  }
  const obj = raw as Record<string, unknown>;
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
  issues.throwIfAny(systemUsersBackend.name);
  return {
    username,
    passwordHash,
    home,
    shell: shell as SystemUserShell,
    groups: [...new Set(groups)].sort(),
    isActive,
    isMain,
    accountUsername,
    accountType,
  };
}

// ── bash ─────────────────────────────────────────────────────────────────────────────────────────────────────
// Constant code, reviewed once; the per-operation sections only call these functions with quoted arguments.

const COMMON = bashCode`# System accounts (uid/gid below UID_MIN/GID_MIN of /etc/login.defs: root, daemon, sudo, shadow…) are never touched.
uid_min=$(awk '$1 == "UID_MIN" { print $2 }' /etc/login.defs 2>/dev/null || true)
gid_min=$(awk '$1 == "GID_MIN" { print $2 }' /etc/login.defs 2>/dev/null || true)
uid_min=\${uid_min:-1000} gid_min=\${gid_min:-1000}

fail() {
  echo "error: $*" >&2
  exit 1
}

# A home is a normalised path strictly under /home with no symbolic link on the way: a user who owns a parent
# directory must not be able to redirect our chown or rm to another place.
check_home_path() {
  case "$1" in
    /home/?*) ;;
    *) fail "home $1: not under /home" ;;
  esac
  case "$1/" in
    *//* | */./* | */../*) fail "home $1: not a normalised path" ;;
  esac
  [ "$(realpath -m -- "$1")" = "$1" ] || fail "home $1: a symbolic link is on its path"
}`;

const SAVE = bashCode`# The login shell for the panel's choice: bash; rssh (SFTP/rsync only) when installed; otherwise no login.
login_shell() {
  local candidate
  case "$1" in
    /bin/bash) echo /bin/bash; return ;;
    /bin/rssh) for candidate in /usr/bin/rssh /bin/rssh; do
        if [ -x "$candidate" ]; then echo "$candidate"; return; fi
      done ;;
  esac
  for candidate in /usr/sbin/nologin /sbin/nologin; do
    if [ -x "$candidate" ]; then echo "$candidate"; return; fi
  done
  echo /bin/false
}

# ensure_group GROUP: creates it if missing; refuses a system group.
ensure_group() {
  local entry gid
  if ! entry=$(getent group -- "$1"); then
    groupadd -- "$1"
    echo "group $1: created"
    return
  fi
  IFS=: read -r _ _ gid _ <<<"$entry"
  (( gid >= gid_min )) || fail "group $1 is a system group (gid $gid): refusing to use it"
}

# ensure_home USER HOME: exists (a new one gets /etc/skel), belongs to USER:USER, mode 0750.
ensure_home() {
  local user=$1 home=$2
  check_home_path "$home"
  if [ ! -e "$home" ]; then
    mkdir -p -- "$home"
    if [ -d /etc/skel ]; then cp -R -- /etc/skel/. "$home"/; fi
    chown -R -- "$user:$user" "$home"
    chmod 0750 -- "$home"
    echo "home $home: created"
  fi
  [ -d "$home" ] || fail "home $home exists and is not a directory"
  if [ "$(stat -c '%U:%G %a' -- "$home")" != "$user:$user 750" ]; then
    chown -- "$user:$user" "$home"
    chmod 0750 -- "$home"
    echo "home $home: owner and mode set"
  fi
}

# save_user USER HOME SHELL STATE PASSWORD [GROUP…]
#   STATE: active or disabled. A disabled user gets "!" + PASSWORD (locked) and an expired account (no login at
#   all, SSH keys and cron included). PASSWORD: a SHA-512-crypt hash, or "*" for none.
# Creates the user if missing, else changes only what differs from the wanted state.
save_user() {
  local user=$1 home=$2 shell state=$4 password=$5 expire='' group entry uid
  local -a groups=("\${@:6}") changes=() changed=()
  shell=$(login_shell "$3")
  case "$state" in
    active) ;;
    disabled) password="!$password" expire=1 ;;
    *) fail "unknown state $state" ;;
  esac
  ensure_group "$user"
  for group in "\${groups[@]}"; do ensure_group "$group"; done
  local want_groups have_groups
  want_groups=$(printf '%s\n' "\${groups[@]}" | sort -u | paste -sd, -)

  if entry=$(getent passwd -- "$user"); then
    local have_home have_shell have_password have_expire
    IFS=: read -r _ _ uid _ _ have_home have_shell <<<"$entry"
    (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to change it"
    IFS=: read -r _ have_password _ _ _ _ _ have_expire _ <<<"$(getent shadow -- "$user")"
    have_groups=$(id -nG -- "$user" | tr ' ' '\n' | awk -v self="$user" '$0 != self' | sort -u | paste -sd, -)
    [ "$(id -gn -- "$user")" = "$user" ] || { changes+=(--gid "$user"); changed+=(group); }
    [ "$have_home" = "$home" ] || { changes+=(--home "$home"); changed+=(home); }
    [ "$have_shell" = "$shell" ] || { changes+=(--shell "$shell"); changed+=(shell); }
    [ "$have_groups" = "$want_groups" ] || { changes+=(--groups "$want_groups"); changed+=(groups); }
    [ "$have_password" = "$password" ] || { changes+=(--password "$password"); changed+=(password); }
    [ "$have_expire" = "$expire" ] || { changes+=(--expiredate "$expire"); changed+=(expiry); }
    if (( \${#changes[@]} )); then
      usermod "\${changes[@]}" -- "$user"
      echo "user $user: changed \${changed[*]}"
    else
      echo "user $user: up to date"
    fi
  else
    local -a create=(--no-create-home --home-dir "$home" --shell "$shell" --gid "$user"
      --password "$password" --expiredate "$expire")
    [ -z "$want_groups" ] || create+=(--groups "$want_groups")
    useradd "\${create[@]}" -- "$user"
    echo "user $user: created"
  fi
  ensure_home "$user" "$home"
}`;

const DELETE = bashCode`# remove_home USER UID HOME: only a home that belongs to the user; anything else is kept with a warning.
remove_home() {
  local user=$1 uid=$2 home=$3
  check_home_path "$home"
  [ -e "$home" ] || return 0
  if [ "$(stat -c %u -- "$home")" != "$uid" ]; then
    echo "warning: home $home does not belong to $user: kept" >&2
    return 0
  fi
  rm -rf --one-file-system -- "$home"
  echo "home $home: removed"
}

# remove_group_if_unused GROUP: only ours (gid >= GID_MIN), without members, nobody's primary group.
remove_group_if_unused() {
  local entry gid members
  entry=$(getent group -- "$1") || return 0
  IFS=: read -r _ _ gid members <<<"$entry"
  (( gid >= gid_min )) || return 0
  if [ -n "$members" ]; then
    echo "group $1: kept, it still has members ($members)"
  elif awk -F: -v gid="$gid" '$4 == gid { found = 1 } END { exit !found }' /etc/passwd; then
    echo "group $1: kept, it is another user's primary group"
  else
    groupdel -- "$1"
    echo "group $1: removed"
  fi
}

# delete_user USER HOME: stops its processes, removes its crontab, home, mail spool, the user, and its group.
# Each step is checked first, so a run that stopped half-way can simply be run again.
delete_user() {
  local user=$1 home=$2 entry uid
  if entry=$(getent passwd -- "$user"); then
    IFS=: read -r _ _ uid _ <<<"$entry"
    (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to delete it"
    # userdel refuses a user that still runs something; pkill exits 1 once nothing is left.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      pkill -KILL -U "$uid" || break
      sleep 0.2
    done
    if crontab -l -u "$user" >/dev/null 2>&1; then
      crontab -r -u "$user"
      echo "crontab of $user: removed"
    fi
    remove_home "$user" "$uid" "$home"
    userdel -- "$user"
    echo "user $user: deleted"
  else
    echo "user $user: already absent"
  fi
  if [ -e "/var/mail/$user" ]; then
    rm -f -- "/var/mail/$user"
    echo "mail spool of $user: removed"
  fi
  remove_group_if_unused "$user"
}`;

function saveCall(s: SystemUserSnapshot): ShellCode {
  // '*' in the shadow file: no password can match it (login with SSH keys only).
  const state = s.isActive ? 'active' : 'disabled';
  return sh`save_user ${[s.username, s.home, s.shell, state, s.passwordHash ?? '*', ...s.groups]}`;
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
    return joinShell([COMMON, actions.has('save') ? SAVE : ShellCode.empty, actions.has('delete') ? DELETE : ShellCode.empty], '\n\n');
  },
  section(op: TypedOperation<SystemUserSnapshot>) {
    const s = op.snapshot;
    if (op.action === 'delete') return sh`delete_user ${s.username} ${s.home}`;
    return saveCall(s);
  },
});
