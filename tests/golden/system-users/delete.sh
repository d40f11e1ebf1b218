#!/bin/bash
set -euo pipefail
# Orchestra backend system-users (SystemUser), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
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
  # Every component from the home up to /home, tested by a builtin ([ -L ]: a missing one is no link), not realpath.
  local path=$1
  while [ -n "$path" ]; do
    [ ! -L "$path" ] || fail "home $1: a symbolic link is on its path"
    path=${path%/*}
  done
}

# remove_home USER UID HOME: only a home that belongs to the user; anything else is kept with a warning.
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
}

# ── operation op-102: delete SystemUser 43 (alice-ftp) ─────────────────────
delete_user 'alice-ftp' '/home/alice-ftp'

# ── commit ─────────────────────────────────────────────────────────────────
exit "$exit_code"
