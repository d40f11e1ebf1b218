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

# process_save ID PROGRAM COMMAND: a process app's supervisor program file (/etc/supervisor/conf.d/orchestra-webapp-ID.conf)
# and its start script (/etc/orchestra/webapps/webapp-ID.sh, root's: the account's user cannot change how it is
# started) running COMMAND with bash, each rewritten only when it differs. The program file carries a digest of the
# command, so a new command is a changed program, which the update restarts.
process_save() {
  local id=$1 program=$2 start
  start=$(printf '#!/bin/bash\n# Started by supervisor as the app'"'"'s user in its directory. Managed by Orchestra.\nexec bash -c %q' "$3")
  command -v supervisorctl >/dev/null || fail "supervisor is not installed on this server (Debian: apt-get install supervisor)"
  mkdir -p -- /etc/supervisor/conf.d /etc/orchestra/webapps /var/log/orchestra/webapps "${supervisor_marker%/*}"
  process_file "/etc/orchestra/webapps/webapp-$id.sh" 0755 "$start" || true
  process_file "/etc/supervisor/conf.d/orchestra-webapp-$id.conf" 0644 "$program" && touch -- "$supervisor_marker"
  return 0
}

# process_file PATH MODE CONTENT: PATH holds CONTENT (true when it was written).
process_file() {
  if [ -f "$1" ] && [ "$(cat -- "$1")" = "$3" ]; then
    echo "$1: unchanged"
    return 1
  fi
  printf '%s\n' "$3" >"$1.new"
  chmod "$2" -- "$1.new"
  mv -f -- "$1.new" "$1"
  echo "$1: written"
}

# process_remove ID: the app's program goes (the update stops its process) with its start script.
process_remove() {
  local id=$1
  if [ -e "/etc/supervisor/conf.d/orchestra-webapp-$id.conf" ]; then
    rm -f -- "/etc/supervisor/conf.d/orchestra-webapp-$id.conf"
    mkdir -p -- "${supervisor_marker%/*}"
    touch -- "$supervisor_marker"
    echo "supervisor program orchestra-webapp-$id: removed"
  fi
  rm -f -- "/etc/orchestra/webapps/webapp-$id.sh"
}

php_begin

# ── operation op-1106: save WebApp 10 (alice/api) ──────────────────────────
webapp_dir 'alice' '/home/alice' 'api'
process_save '10' '; Web app api of alice, managed by Orchestra: changes here are overwritten.
[program:orchestra-webapp-10]
command=/etc/orchestra/webapps/webapp-10.sh
directory=/home/alice/webapps/api
user=alice
environment=HOME="/home/alice",USER="alice",PORT="3000",ORCHESTRA_START="ffe0ee99f0e67490"
autostart=true
autorestart=true
startsecs=1
startretries=10
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/orchestra/webapps/webapp-10.log
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=3' 'exec node server.js --name "it'\''s $(id)" `id` > /dev/null; echo ü'
php_pool_remove '10' ''

# ── operation op-1107: save WebApp 11 (alice/worker) ───────────────────────
webapp_dir 'alice' '/home/alice' 'worker'
process_save '11' '; Web app worker of alice, managed by Orchestra: changes here are overwritten.
[program:orchestra-webapp-11]
command=/etc/orchestra/webapps/webapp-11.sh
directory=/home/alice/webapps/worker
user=alice
environment=HOME="/home/alice",USER="alice",PORT="3001",ORCHESTRA_START="a8e2b7cabc9a09cf"
autostart=false
autorestart=true
startsecs=1
startretries=10
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile=/var/log/orchestra/webapps/webapp-11.log
stdout_logfile_maxbytes=10MB
stdout_logfile_backups=3' 'python3 -m http.server "$PORT"'
php_pool_remove '11' ''

# ── operation op-1108: delete WebApp 12 (alice/old) ────────────────────────
php_pool_remove '12' ''
process_remove '12'
webapp_remove 'alice' '/home/alice' 'old'

# ── commit ─────────────────────────────────────────────────────────────────
# One reload per PHP version whose pools changed (now or in a failed run before).
php_reload_pending
# One supervisor update if a process app's program changed (now or in a failed run before).
supervisor_update_pending
exit "$exit_code"
