#!/bin/bash
set -euo pipefail
# Orchestra backend system-users (SystemUser), 3 operations. Idempotent: safe to run again.
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

# login_shell VAR CHOICE: sets VAR to the login shell for the panel's choice: bash; rssh (SFTP/rsync only) when
# installed; otherwise no login. A variable, not output: `$(login_shell …)` would be a process of its own.
login_shell() {
  local candidate
  case "$2" in
    /bin/bash) printf -v "$1" %s /bin/bash; return ;;
    /bin/rssh) for candidate in /usr/bin/rssh /bin/rssh; do
        if [ -x "$candidate" ]; then printf -v "$1" %s "$candidate"; return; fi
      done ;;
  esac
  for candidate in /usr/sbin/nologin /sbin/nologin; do
    if [ -x "$candidate" ]; then printf -v "$1" %s "$candidate"; return; fi
  done
  printf -v "$1" %s /bin/false
}

# ensure_groups GROUP…: creates the missing ones, in order; refuses a system group. GROUP… has no repeats (the
# user's own group and its supplementary ones, which never include it). One getent for all of them (it prints those
# that exist and exits non-zero when one does not), not a process per group.
ensure_groups() {
  local entries name gid group
  local -A gids=()
  entries=$(getent group -- "$@") || true
  while IFS=: read -r name _ gid _; do
    [ -z "$name" ] || gids[$name]=$gid
  done <<<"$entries"
  for group in "$@"; do
    gid=${gids[$group]-}
    if [ -z "$gid" ]; then
      groupadd -- "$group"
      echo "group $group: created"
    else
      (( gid >= gid_min )) || fail "group $group is a system group (gid $gid): refusing to use it"
    fi
  done
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
  local user=$1 home=$2 shell state=$4 password=$5 expire='' entry uid
  local -a groups=("${@:6}") changes=() changed=()
  login_shell shell "$3"
  case "$state" in
    active) ;;
    disabled) password="!$password" expire=1 ;;
    *) fail "unknown state $state" ;;
  esac
  ensure_groups "$user" "${groups[@]}"
  # The groups as usermod and useradd take them (the snapshot lists them sorted, without duplicates).
  local want_groups
  printf -v want_groups '%s,' "${groups[@]}"
  want_groups=${want_groups%,}

  if entry=$(getent passwd -- "$user"); then
    local have_home have_shell have_password have_expire ids
    IFS=: read -r _ _ uid _ _ have_home have_shell <<<"$entry"
    (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to change it"
    IFS=: read -r _ have_password _ _ _ _ _ have_expire _ <<<"$(getent shadow -- "$user")"
    # id -nG: the primary group first, then the supplementary ones (every group but the user's own is compared).
    ids=$(id -nG -- "$user")
    local -a have_groups
    read -r -a have_groups <<<"$ids"
    [ "${have_groups[0]-}" = "$user" ] || { changes+=(--gid "$user"); changed+=(group); }
    [ "$have_home" = "$home" ] || { changes+=(--home "$home"); changed+=(home); }
    [ "$have_shell" = "$shell" ] || { changes+=(--shell "$shell"); changed+=(shell); }
    same_groups "$user" "${#groups[@]}" "${groups[@]}" "${have_groups[@]}" || { changes+=(--groups "$want_groups"); changed+=(groups); }
    [ "$have_password" = "$password" ] || { changes+=(--password "$password"); changed+=(password); }
    [ "$have_expire" = "$expire" ] || { changes+=(--expiredate "$expire"); changed+=(expiry); }
    if (( ${#changes[@]} )); then
      usermod "${changes[@]}" -- "$user"
      echo "user $user: changed ${changed[*]}"
    else
      echo "user $user: up to date"
    fi
  else
    local -a create=(--no-create-home --home-dir "$home" --shell "$shell" --gid "$user"
      --password "$password" --expiredate "$expire")
    [ -z "$want_groups" ] || create+=(--groups "$want_groups")
    useradd "${create[@]}" -- "$user"
    echo "user $user: created"
  fi
  ensure_home "$user" "$home"
}

# same_groups USER N WANTED… HAVE…: whether the N wanted groups and the groups the user is in (but its own) are the
# same set. Compared in bash (associative arrays), not by sort | paste.
same_groups() {
  local user=$1 n=$2 group
  shift 2
  local -A wanted=() have=()
  for group in "${@:1:n}"; do wanted[$group]=1; done
  for group in "${@:n+1}"; do
    [ "$group" = "$user" ] || have[$group]=1
  done
  (( ${#wanted[@]} == ${#have[@]} )) || return 1
  for group in "${!have[@]}"; do
    [ -n "${wanted[$group]-}" ] || return 1
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

# ── operation op-201: save SystemUser 42 (alice) ───────────────────────────
save_user 'alice' '/home/alice' '/bin/bash' 'active' '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.' 'alice-ftp'

# ── operation op-202: save SystemUser 43 (alice-ftp) ───────────────────────
save_user 'alice-ftp' '/home/alice-ftp' '/dev/null' 'disabled' '$6$rounds=5000$xy$lKopDccRwY1GmUB8TDfEyH2p7ZtKOz1LN0RvWte5K282TM.n4Rc2AejzWskbHg120u3xP1lKfwRRRlB.fa2Ei.'

# ── operation op-203: delete SystemUser 44 (alice-sftp) ────────────────────
delete_user 'alice-sftp' '/home/alice-sftp'

# ── commit ─────────────────────────────────────────────────────────────────
exit "$exit_code"
