#!/bin/bash
set -euo pipefail
# Orchestra backend nginx-websites (Website), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# A run's staged sites of a web server (nginx-websites, apache-websites; the web server's begin sets site_live, its
# live sites' directory, site_stage, an empty directory of this run on the same file system, and site_marker, its
# pending-reload marker). Only the sites the run changes are staged: a site's file that differs from the live one is
# written into the stage (a candidate), a removed one is noted; the live files are neither copied nor compared.
site_live=''
site_stage=''
site_marker=''
declare -A site_removed=()

# site_commit_files: the staged sites (the candidates the check accepted) replace their live files, the removed ones
# go; each change marks the reload pending.
site_commit_files() {
  local staged name
  for staged in "$site_stage"/*.conf; do
    [ -e "$staged" ] || continue
    name=${staged##*/}
    mv -f -- "$staged" "$site_live/$name"
    touch -- "$site_marker"
    echo "$name: written"
  done
  for name in "${!site_removed[@]}"; do
    [ -e "$site_live/$name" ] || continue
    rm -f -- "$site_live/$name"
    touch -- "$site_marker"
    echo "$name: removed"
  done
}

# Websites on nginx. Each site's candidate file (../web/site-stage.sh: only the sites the run changes are staged) is
# checked by `nginx -t` with the other live sites before it may replace its live file; the commit moves what passed
# into place and reloads nginx once. A reload is pending (a marker file) until one succeeded, so a failed run's
# changes are still loaded by the next run.
nginx_sites=/etc/nginx/orchestra/sites
nginx_marker=/var/lib/orchestra/nginx-websites/reload-pending
nginx_stage=''
nginx_check=''
# The sites' access log format: nginx's combined one, then the bytes sent (headers included), the last field the
# website-traffic monitor sums.
# shellcheck disable=SC2016 # nginx's variables, not the shell's
nginx_log_format='log_format orchestra '"'"'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $bytes_sent'"'"';'

nginx_begin() {
  command -v nginx >/dev/null || fail "nginx is not installed on this server"
  mkdir -p -- "$nginx_sites" /var/log/nginx/orchestra /var/lib/orchestra/acme "${nginx_marker%/*}"
  nginx_stage=$(mktemp -d /etc/nginx/orchestra/stage.XXXXXX)
  trap 'rm -rf -- "$nginx_stage"' EXIT
  site_live=$nginx_sites site_stage=$nginx_stage site_marker=$nginx_marker
  nginx_check=$nginx_stage/check.nginx
  printf 'error_log stderr;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    %s\n    include %s/sites.include;\n}\n' "$nginx_log_format" "$nginx_stage" >"$nginx_check"
  local include="# Websites managed by Orchestra.
$nginx_log_format
include /etc/nginx/orchestra/sites/*.conf;"
  if [ "$(cat -- /etc/nginx/conf.d/orchestra.conf 2>/dev/null)" != "$include" ]; then
    printf '%s\n' "$include" >/etc/nginx/conf.d/orchestra.conf
    touch -- "$nginx_marker"
  fi
}



# nginx_commit: the staged sites replace their live files, the removed ones go; one reload if anything changed (or
# was pending).
nginx_commit() {
  local refusal
  site_commit_files
  [ -e "$nginx_marker" ] || { echo "nginx: nothing changed"; return 0; }
  if ! refusal=$(nginx -t 2>&1); then
    echo "error: nginx -t refuses the server's whole configuration, not reloaded (pending): ${refusal//$'\n'/ }" >&2
    exit_code=1
    return 0
  fi
  local before
  before=$(nginx_workers)
  if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
    systemctl reload nginx
  else
    nginx -s reload
  fi
  # A reload only signals the master: it reads the configuration and starts new workers a moment later, and each old
  # worker answers with the old sites until it has taken the signal and closed its listening sockets (a busy server
  # showed the old page after the run had ended, even once a new worker was up). Wait, up to 10 s, until a new worker
  # is there and every old one is gone or shutting down (a long download may keep one alive, never accepting).
  for _ in {1..100}; do
    nginx_reloaded "$before" && break
    sleep 0.1
  done
  rm -f -- "$nginx_marker"
  echo "nginx: reloaded"
}

# nginx_reloaded BEFORE: a worker not in BEFORE runs, and each worker in BEFORE has exited or is shutting down.
nginx_reloaded() {
  local now pid
  now=$(nginx_workers)
  [ -n "$(comm -13 <(printf '%s\n' "$1") <(printf '%s\n' "$now"))" ] || return 1
  for pid in $(comm -12 <(printf '%s\n' "$1") <(printf '%s\n' "$now")); do
    [[ "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" == *"shutting down"* ]] || return 1
  done
}

# nginx_workers: the worker processes of the running master, one pid per line, sorted (none when nginx is down).
nginx_workers() {
  local pid_file master
  pid_file=$(awk '$1 == "pid" { sub(/;$/, "", $2); print $2 }' /etc/nginx/nginx.conf 2>/dev/null)
  master=$(cat -- "${pid_file:-/run/nginx.pid}" 2>/dev/null) || return 0
  pgrep -P "$master" | sort || true
}

# site_remove FILE: the site goes (the commit removes its live file); one staged earlier in the run goes with it.
site_remove() {
  rm -f -- "${site_stage:?}/$1"
  site_removed[$1]=1
}

nginx_begin

# ── operation op-1202: delete Website 3 (alice/main) ───────────────────────
site_remove 'site-3.conf'

# ── commit ─────────────────────────────────────────────────────────────────
nginx_commit
exit "$exit_code"
