#!/bin/bash
set -euo pipefail
# Orchestra backend webapps (WebApp), 3 operations. Idempotent: safe to run again.
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

# webapp_owner USER: the app's owner exists and is not a system account; the web server's user joins its group.
webapp_owner() {
  local user=$1 entry uid
  entry=$(getent passwd -- "$user") || fail "user $user does not exist: the account's main system user must be created first"
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to host web apps for it"
  if ! id -nG www-data | tr ' ' '\n' | grep -qxF -- "$user"; then
    gpasswd -a www-data "$user" >/dev/null
    echo "www-data joined the group $user"
  fi
}

# webapp_home USER HOME: HOME is a checked home of USER, and ~/webapps a directory of theirs (made as the user).
webapp_home() {
  local user=$1 home=$2
  check_home_path "$home"
  webapp_owner "$user"
  [ -d "$home" ] || fail "home $home does not exist"
  [ ! -L "$home/webapps" ] || fail "$home/webapps is a symbolic link"
  runuser -u "$user" -- mkdir -p -m 0750 -- "$home/webapps"
}

# webapp_dir USER HOME NAME: the app's directory exists, made as its owner (never root in a user's home).
webapp_dir() {
  local user=$1 home=$2 name=$3 dir
  webapp_home "$user" "$home"
  dir=$home/webapps/$name
  [ ! -L "$dir" ] || fail "$dir is a symbolic link"
  if [ -d "$dir" ]; then
    echo "web app $dir: exists"
  else
    runuser -u "$user" -- mkdir -m 0750 -- "$dir"
    echo "web app $dir: created"
  fi
}

# webapp_link USER HOME NAME TARGET: the app's directory is a symbolic link to HOME/TARGET (made when missing).
webapp_link() {
  local user=$1 home=$2 name=$3 target=$4 link want
  webapp_home "$user" "$home"
  link=$home/webapps/$name
  want=$home/$target
  [ -d "$want" ] || runuser -u "$user" -- mkdir -p -m 0750 -- "$want"
  if [ -L "$link" ] && [ "$(readlink -- "$link")" = "$want" ]; then
    echo "web app $link -> $want: up to date"
  elif [ -e "$link" ] && [ ! -L "$link" ]; then
    fail "$link exists and is not a symbolic link"
  else
    runuser -u "$user" -- ln -sfnT -- "$want" "$link"
    echo "web app $link -> $want: linked"
  fi
}

# PHP-FPM pools of web apps. A pool replaces the live one only after `php-fpm<version> -t` accepted it; each changed
# version is reloaded once in the commit, and stays pending (a marker file) until a reload succeeded.
php_markers=/var/lib/orchestra/webapps

php_begin() {
  mkdir -p -- "$php_markers"
}


# php_pool_remove ID KEEP: removes the app's pools of every PHP version but KEEP ('' removes all).
php_pool_remove() {
  local id=$1 keep=$2 pool version
  for pool in /etc/php/*/fpm/pool.d/orchestra-webapp-"$id".conf; do
    [ -e "$pool" ] || continue
    version=${pool#/etc/php/}
    version=${version%%/*}
    [ "$version" = "$keep" ] && continue
    rm -f -- "$pool"
    touch -- "$php_markers/reload-php$version"
    echo "pool webapp-$id (PHP $version): removed"
  done
}

# php_reload_pending: reloads each PHP-FPM version marked, then forgets the mark.
php_reload_pending() {
  local marker version pid
  for marker in "$php_markers"/reload-php*; do
    [ -e "$marker" ] || continue
    version=${marker##*/reload-php}
    if command -v systemctl >/dev/null && systemctl is-active --quiet "php$version-fpm" 2>/dev/null; then
      systemctl reload "php$version-fpm"
    elif pid=$(cat -- "/run/php/php$version-fpm.pid" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; then
      kill -USR2 "$pid"
    else
      echo "error: php-fpm $version is not running: its reload stays pending" >&2
      exit_code=1
      continue
    fi
    rm -f -- "$marker"
    echo "php-fpm $version: reloaded"
  done
}

# php_pool_save ID VERSION CONTENT: the app's pool of that version is exactly CONTENT.
php_pool_save() {
  local id=$1 version=$2 content=$3 live candidate check refusal
  command -v "php-fpm$version" >/dev/null || fail "PHP $version: php-fpm$version is not installed on this server"
  live=/etc/php/$version/fpm/pool.d/orchestra-webapp-$id.conf
  [ -d "${live%/*}" ] || fail "PHP $version: ${live%/*} does not exist"
  candidate=${live%/*}/.orchestra-webapp-$id.candidate
  printf '%s' "$content" >"$candidate"
  if cmp -s -- "$candidate" "$live"; then
    rm -f -- "$candidate"
    echo "pool webapp-$id (PHP $version): up to date"
    return 0
  fi
  check=$(mktemp)
  printf '[global]\nerror_log = /dev/null\ninclude = %s\n' "$candidate" >"$check"
  if refusal=$("php-fpm$version" -t -y "$check" 2>&1); then
    mv -f -- "$candidate" "$live"
    touch -- "$php_markers/reload-php$version"
    echo "pool webapp-$id (PHP $version): written"
  else
    rm -f -- "$candidate"
    echo "error: pool webapp-$id (PHP $version) refused by php-fpm$version -t, the live pool is unchanged: ${refusal//$'\n'/ }" >&2
    exit_code=1
  fi
  rm -f -- "$check"
}

# Process apps are programs of supervisor (Debian's `supervisor`: supervisord runs under systemd where there is one,
# on its own elsewhere). A changed program file marks an update pending; the commit runs ONE `supervisorctl update`
# (it starts new programs, restarts changed ones, stops and forgets removed ones) and the mark stays until one
# succeeded, so a failed run's update is done by the next.
supervisor_marker=/var/lib/orchestra/webapps/supervisor-update-pending

# supervisor_update_pending: one `supervisorctl update` if a program changed (now or in a failed run before).
supervisor_update_pending() {
  local out
  [ -e "$supervisor_marker" ] || return 0
  if ! supervisorctl pid >/dev/null 2>&1 && command -v systemctl >/dev/null; then
    systemctl start supervisor 2>/dev/null || true
  fi
  if ! out=$(supervisorctl update 2>&1) || [[ "$out" == *ERROR* ]]; then
    echo "error: supervisorctl update failed, the processes' update stays pending: ${out//$'\n'/ }" >&2
    exit_code=1
    return 0
  fi
  rm -f -- "$supervisor_marker"
  echo "supervisor: updated${out:+ (${out//$'\n'/; })}"
}

php_begin

# ── operation op-1103: save WebApp 8 (alice/home) ──────────────────────────
webapp_dir 'alice' '/home/alice' 'home'
php_pool_remove '8' ''

# ── operation op-1104: save WebApp 9 (alice/docs) ──────────────────────────
webapp_link 'alice' '/home/alice' 'docs' 'shared/docs'
php_pool_remove '9' ''

# ── operation op-1105: save WebApp 7 (alice/blog) ──────────────────────────
webapp_dir 'alice' '/home/alice' 'blog'
php_pool_save '7' '8.3' '; PHP-FPM pool of the web app blog of alice, managed by Orchestra: changes here are overwritten.
[webapp-7]
user = alice
group = alice
listen = /run/php/orchestra-webapp-7-php8.3.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = ondemand
pm.max_children = 3
pm.process_idle_timeout = 30s
request_terminate_timeout = 20s
chdir = /home/alice/webapps/blog
php_admin_value[open_basedir] = /home/alice/:/tmp/
php_admin_value[max_execution_time] = 20
php_admin_value[disable_functions] = exec,passthru,shell_exec,system,proc_open,popen,pcntl_exec,mail
php_admin_value[memory_limit] = 128M
'
php_pool_remove '7' '8.3'

# ── commit ─────────────────────────────────────────────────────────────────
# One reload per PHP version whose pools changed (now or in a failed run before).
php_reload_pending
# One supervisor update if a process app's program changed (now or in a failed run before).
supervisor_update_pending
exit "$exit_code"
