#!/bin/bash
set -euo pipefail
# Orchestra backend apache-websites (Website), 1 operation. Idempotent: safe to run again.
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

# Websites on Apache 2.4. Each site's candidate file (../web/site-stage.sh: only the sites the run changes are
# staged) is checked by `apache2 -t` with the other live sites before it may replace its live file; the commit moves
# what passed into place and reloads Apache once (gracefully).
# A reload is pending (a marker file) until one succeeded, so a failed run's changes are still loaded by the next run.
apache_sites=/etc/apache2/orchestra/sites
apache_marker=/var/lib/orchestra/apache-websites/reload-pending
apache_stage=''
apache_check=''

# apache_test CONFIG: apache2 -t of that main configuration file with Debian's environment (envvars), its messages on
# stdout.
apache_test() {
  (
    set +u # Debian's envvars reads variables it may not find set
    # shellcheck disable=SC1091 # Debian's file, read at run time
    . /etc/apache2/envvars
    apache2 -t -f "$1" 2>&1
  )
}

apache_begin() {
  command -v apache2 >/dev/null || fail "Apache is not installed on this server"
  mkdir -p -- "$apache_sites" /var/log/apache2/orchestra /var/lib/orchestra/acme "${apache_marker%/*}"
  local module include
  for module in headers proxy proxy_fcgi proxy_http rewrite ssl; do
    if [ ! -e "/etc/apache2/mods-enabled/$module.load" ]; then
      a2enmod -q "$module" >/dev/null
      touch -- "$apache_marker"
      echo "Apache module $module: enabled"
    fi
  done
  apache_stage=$(mktemp -d /etc/apache2/orchestra/stage.XXXXXX)
  trap 'rm -rf -- "$apache_stage"' EXIT
  site_live=$apache_sites site_stage=$apache_stage site_marker=$apache_marker
  # The server's own configuration with Orchestra's sites from the check's include list (sites-enabled/zz-orchestra.conf
  # includes the live ones: the check reads every other enabled site, but none whose name starts with "z").
  apache_check=$apache_stage/check.apache
  sed "s|^IncludeOptional sites-enabled/\*\.conf|IncludeOptional sites-enabled/[!z]*.conf\nInclude $apache_stage/sites.include|" /etc/apache2/apache2.conf >"$apache_check"
  grep -qF -- "$apache_stage/sites.include" "$apache_check" || fail "/etc/apache2/apache2.conf has no 'IncludeOptional sites-enabled/*.conf' line"
  include='# Websites managed by Orchestra (last: a name no site claims goes to the default site).
IncludeOptional /etc/apache2/orchestra/sites/*.conf'
  if [ "$(cat -- /etc/apache2/sites-enabled/zz-orchestra.conf 2>/dev/null)" != "$include" ]; then
    printf '%s\n' "$include" >/etc/apache2/sites-enabled/zz-orchestra.conf
    touch -- "$apache_marker"
  fi
}

# apache_commit: the staged sites replace their live files, the removed ones go; one graceful reload if anything
# changed (or was pending).
apache_commit() {
  local refusal
  site_commit_files
  [ -e "$apache_marker" ] || { echo "Apache: nothing changed"; return 0; }
  if ! refusal=$(apache_test /etc/apache2/apache2.conf); then
    echo "error: apache2 -t refuses the server's whole configuration, not reloaded (pending): ${refusal//$'\n'/ }" >&2
    exit_code=1
    return 0
  fi
  local before
  before=$(apache_children)
  if command -v systemctl >/dev/null && systemctl is-active --quiet apache2 2>/dev/null; then
    systemctl reload apache2
  else
    apache2ctl graceful
  fi
  # A graceful restart only signals the parent: until each old child has taken it, an old child may still accept a
  # connection and answer with the old sites (nginx showed it on a busy server). Wait, up to 10 s, until children run
  # and none from before is left (a long download may keep one, which then accepts nothing new).
  for _ in {1..100}; do
    apache_reloaded "$before" && break
    sleep 0.1
  done
  rm -f -- "$apache_marker"
  echo "Apache: reloaded"
}

# apache_reloaded BEFORE: the parent has children, none of them in BEFORE.
apache_reloaded() {
  local now
  now=$(apache_children)
  [ -n "$now" ] && [ -z "$(comm -12 <(printf '%s\n' "$1") <(printf '%s\n' "$now"))" ]
}

# apache_children: the child processes of the running parent, one pid per line, sorted (none when Apache is down).
apache_children() {
  local parent
  # shellcheck disable=SC1091 # Debian's envvars names the pid file
  parent=$(. /etc/apache2/envvars 2>/dev/null; cat -- "${APACHE_PID_FILE:-/run/apache2/apache2.pid}" 2>/dev/null) || return 0
  pgrep -P "$parent" | sort || true
}

# site_remove FILE: the site goes (the commit removes its live file); one staged earlier in the run goes with it.
site_remove() {
  rm -f -- "${site_stage:?}/$1"
  site_removed[$1]=1
}

apache_begin

# ── operation op-1302: delete Website 3 (alice/main) ───────────────────────
site_remove 'site-3.conf'

# ── commit ─────────────────────────────────────────────────────────────────
apache_commit
exit "$exit_code"
