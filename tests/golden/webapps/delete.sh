#!/bin/bash
set -euo pipefail
# Orchestra backend webapps (WebApp), 1 operation. Idempotent: safe to run again.
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

# webapp_remove USER HOME NAME: the app's directory (or link) goes, removed as its owner.
webapp_remove() {
  local user=$1 home=$2 name=$3 dir
  check_home_path "$home"
  dir=$home/webapps/$name
  if ! getent passwd -- "$user" >/dev/null; then
    echo "web app $dir: its user is gone"
  elif [ -L "$dir" ]; then
    rm -f -- "$dir"
    echo "web app $dir: link removed"
  elif [ -d "$dir" ]; then
    runuser -u "$user" -- rm -rf --one-file-system -- "$dir"
    echo "web app $dir: removed"
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

# ── operation op-1102: delete WebApp 7 (alice/blog) ────────────────────────
php_pool_remove '7' ''
webapp_remove 'alice' '/home/alice' 'blog'

# ── commit ─────────────────────────────────────────────────────────────────
# One reload per PHP version whose pools changed (now or in a failed run before).
php_reload_pending
# One supervisor update if a process app's program changed (now or in a failed run before).
supervisor_update_pending
exit "$exit_code"
