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

# Candidates and their check, for either web server: its save fragment defines site_test (checks the configuration
# that includes "$site_stage/sites.include", the checker's messages on stdout), site_item_test EXTRA (what that
# checker does not read of one site; EXTRA is the site's third argument of site_save), site_include_before and
# site_include_after (how the configuration includes one file) and site_checker (its name in messages).

# Candidates in order, beside each what its checker checks besides the configuration (Apache: its TLS directory).
site_candidates=()
site_candidate_extra=()

# site_save FILE CONTENT [EXTRA]: stages the site's file; a file equal to the live one (whose EXTRA passes) is no
# candidate: nothing to check, nothing to write.
site_save() {
  local file=$1 content=$2 extra=${3:-}
  if [ -f "$site_live/$file" ] && [ "$(cat -- "$site_live/$file"; printf x)" = "${content}x" ] && site_item_test "$extra" >/dev/null; then
    return 0
  fi
  [ -e "$site_stage/$file" ] || { site_candidates+=("$file"); site_candidate_extra+=("$extra"); }
  printf '%s' "$content" >"$site_stage/$file"
  unset "site_removed[$file]"
}

# site_write_include CANDIDATE...: the include list of the check: every live site, the given candidates staged in
# their place, the removed ones left out (a check of the whole configuration, without copying a file).
site_write_include() {
  local live name
  local -A staged=()
  for name in "$@"; do staged[$name]=1; done
  {
    for live in "$site_live"/*.conf; do
      [ -e "$live" ] || continue
      name=${live##*/}
      if [ -n "${site_removed[$name]:-}" ] || [ -n "${staged[$name]:-}" ]; then continue; fi
      printf '%s"%s"%s\n' "$site_include_before" "$live" "$site_include_after"
    done
    for name in "$@"; do printf '%s"%s"%s\n' "$site_include_before" "$site_stage/$name" "$site_include_after"; done
  } >"$site_stage/sites.include"
}

# site_check: ONE check of the configuration with every candidate in place (a sync of 500 sites checked each against
# all the others, 500 times: minutes); only when that refuses are they checked one by one, in order, each with the
# ones accepted before it, so a refused site keeps its live file, the run is FAILURE with the checker's message, and
# the other sites still apply.
site_check() {
  local i file refusal all=1
  local -a accepted=() present=()
  for file in "${site_candidates[@]}"; do
    [ -e "$site_stage/$file" ] && present+=("$file")
  done
  [ "${#present[@]}" -gt 0 ] || return 0
  site_write_include "${present[@]}"
  site_test >/dev/null || all=0
  for i in "${!site_candidates[@]}"; do
    [ "$all" = 1 ] || break
    [ -e "$site_stage/${site_candidates[$i]}" ] || continue
    site_item_test "${site_candidate_extra[$i]}" >/dev/null || all=0
  done
  if [ "$all" = 1 ]; then
    for file in "${present[@]}"; do echo "$file: accepted by $site_checker"; done
    return 0
  fi
  for i in "${!site_candidates[@]}"; do
    file=${site_candidates[$i]}
    [ -e "$site_stage/$file" ] || continue
    site_write_include "${accepted[@]}" "$file"
    if refusal=$(site_test) && refusal=$(site_item_test "${site_candidate_extra[$i]}"); then
      accepted+=("$file")
      echo "$file: accepted by $site_checker"
    else
      rm -f -- "$site_stage/$file"
      refusal=${refusal//$site_stage/$site_live}
      echo "error: $file refused by $site_checker, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}

# nginx as the checker of ../web/site-save.sh: `nginx -t` of a configuration of Orchestra's sites only (nginx_begin's
# check.nginx: Debian's mime types and the sites' log format, then the include list).
site_checker='nginx -t'
site_include_before='include '
site_include_after=';'

site_test() {
  nginx -t -c "$nginx_check" 2>&1
}

# site_item_test: nginx -t reads the certificates itself: nothing more to check.
site_item_test() {
  :
}

nginx_begin

# ── operation op-1201: save Website 3 (alice/main) ─────────────────────────
site_save 'site-3.conf' '# Website main of alice, managed by Orchestra: changes here are overwritten.
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
            fastcgi_pass "unix:/run/php/orchestra-webapp-7-php8.2.sock";
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
site_check
nginx_commit
exit "$exit_code"
