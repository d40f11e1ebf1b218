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
