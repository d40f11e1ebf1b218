#!/bin/bash
set -euo pipefail
# Orchestra backend nginx-websites (Website), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# Websites on nginx. Each site's candidate file is checked by `nginx -t` in a staged copy of Orchestra's sites before
# it may replace the live one; the commit moves what passed into place and reloads nginx once. A reload is pending
# (a marker file) until one succeeded, so a failed run's changes are still loaded by the next run.
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
  cp -pr -- "$nginx_sites"/. "$nginx_stage"/
  nginx_check=$nginx_stage/check.nginx
  printf 'error_log stderr;\nevents {}\nhttp {\n    include /etc/nginx/mime.types;\n    %s\n    include %s/*.conf;\n}\n' "$nginx_log_format" "$nginx_stage" >"$nginx_check"
  local include="# Websites managed by Orchestra.
$nginx_log_format
include /etc/nginx/orchestra/sites/*.conf;"
  if [ "$(cat -- /etc/nginx/conf.d/orchestra.conf 2>/dev/null)" != "$include" ]; then
    printf '%s\n' "$include" >/etc/nginx/conf.d/orchestra.conf
    touch -- "$nginx_marker"
  fi
}



# nginx_commit: the staged sites replace the live ones that differ; one reload if anything changed (or was pending).
nginx_commit() {
  local staged live name refusal
  for staged in "$nginx_stage"/*.conf; do
    [ -e "$staged" ] || continue
    name=${staged##*/}
    cmp -s -- "$staged" "$nginx_sites/$name" && continue
    cp -p -- "$staged" "$nginx_sites/.$name.new"
    mv -f -- "$nginx_sites/.$name.new" "$nginx_sites/$name"
    touch -- "$nginx_marker"
    echo "$name: written"
  done
  for live in "$nginx_sites"/*.conf; do
    [ -e "$live" ] || continue
    name=${live##*/}
    [ -e "$nginx_stage/$name" ] && continue
    rm -f -- "$live"
    touch -- "$nginx_marker"
    echo "$name: removed"
  done
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

# The sites this run changes (their staged file differs from the live one), checked together by nginx_site_check.
nginx_candidates=()

# nginx_site_save FILE CONTENT: stages the site's file (the staged copy it replaces kept beside it); a file equal to the
# live one is no candidate: nothing to check, nothing to write.
nginx_site_save() {
  local file=$1 content=$2
  if [ -f "$nginx_stage/$file" ]; then
    [ "$(cat -- "$nginx_stage/$file"; printf x)" = "${content}x" ] && return 0
    cp -p -- "$nginx_stage/$file" "$nginx_stage/$file.previous"
  fi
  printf '%s' "$content" >"$nginx_stage/$file"
  nginx_candidates+=("$file")
}

# nginx_site_check: ONE nginx -t of every staged site with all the candidates in place (a sync of 500 sites checked
# each against all the others, 500 times: minutes); only when that refuses are they checked one by one, in order, each
# with the ones accepted before it, so a refused site goes back to its live file, the run is FAILURE with nginx's
# message, and the other sites still apply.
nginx_site_check() {
  local file refusal
  [ "${#nginx_candidates[@]}" -gt 0 ] || return 0
  if nginx -t -c "$nginx_check" >/dev/null 2>&1; then
    for file in "${nginx_candidates[@]}"; do
      rm -f -- "$nginx_stage/$file.previous"
      echo "$file: accepted by nginx -t"
    done
    return 0
  fi
  for file in "${nginx_candidates[@]}"; do
    mv -f -- "$nginx_stage/$file" "$nginx_stage/$file.candidate"
    if [ -f "$nginx_stage/$file.previous" ]; then mv -f -- "$nginx_stage/$file.previous" "$nginx_stage/$file"; fi
  done
  for file in "${nginx_candidates[@]}"; do
    if [ -f "$nginx_stage/$file" ]; then cp -p -- "$nginx_stage/$file" "$nginx_stage/$file.previous"; fi
    mv -f -- "$nginx_stage/$file.candidate" "$nginx_stage/$file"
    if refusal=$(nginx -t -c "$nginx_check" 2>&1); then
      rm -f -- "$nginx_stage/$file.previous"
      echo "$file: accepted by nginx -t"
    else
      if [ -f "$nginx_stage/$file.previous" ]; then mv -f -- "$nginx_stage/$file.previous" "$nginx_stage/$file"; else rm -f -- "$nginx_stage/$file"; fi
      refusal=${refusal//$nginx_stage/$nginx_sites}
      echo "error: $file refused by nginx -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}

nginx_begin

# ── operation op-1201: save Website 3 (alice/main) ─────────────────────────
nginx_site_save 'site-3.conf' '# Website main of alice, managed by Orchestra: changes here are overwritten.
server {
    listen 80;
    server_name example.com www.example.com;
    access_log "/var/log/nginx/orchestra/site-3.access.log" orchestra;
    location ^~ /.well-known/acme-challenge/ { root "/var/lib/orchestra/acme"; default_type text/plain; }
    error_page 404 "/missing.html";
    location ^~ "/old" { return 301 "https://example.org/new?a=1&b=2"; }
    location ^~ "/api" {
        proxy_pass "http://127.0.0.1:3000";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
    # web app blog
    location = "/blog" { return 301 "/blog/"; }
    location ^~ "/blog/" {
        alias "/home/alice/webapps/blog/public/";
        index index.php index.html index.htm;
        location ~ \.php$ {
            if (!-f $request_filename) { return 404; }
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $request_filename;
            fastcgi_pass "unix:/run/php/orchestra-webapp-7.sock";
        }
    }
    # web app home
    location / {
        root "/home/alice/webapps/home";
        index index.html index.htm;
    }
}
'

# ── commit ─────────────────────────────────────────────────────────────────
nginx_site_check
nginx_commit
exit "$exit_code"
