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
  [ "$(realpath -m -- "$1")" = "$1" ] || fail "home $1: a symbolic link is on its path"
}

# The login shell for the panel's choice: bash; rssh (SFTP/rsync only) when installed; otherwise no login.
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
  local -a groups=("${@:6}") changes=() changed=()
  shell=$(login_shell "$3")
  case "$state" in
    active) ;;
    disabled) password="!$password" expire=1 ;;
    *) fail "unknown state $state" ;;
  esac
  ensure_group "$user"
  for group in "${groups[@]}"; do ensure_group "$group"; done
  local want_groups have_groups
  want_groups=$(printf '%s\n' "${groups[@]}" | sort -u | paste -sd, -)

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

# ── operation op-103: save SystemUser 42 (alice) ───────────────────────────
save_user 'alice' '/home/alice' '/dev/null' 'active' '$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG.'

# ── commit ─────────────────────────────────────────────────────────────────
exit "$exit_code"
