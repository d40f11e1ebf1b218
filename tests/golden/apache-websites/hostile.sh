#!/bin/bash
set -euo pipefail
# Orchestra backend apache-websites (Website), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# Websites on Apache 2.4. Each site's candidate file is checked by `apache2 -t` in a staged copy of Orchestra's sites
# before it may replace the live one; the commit moves what passed into place and reloads Apache once (gracefully).
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
  for module in proxy proxy_fcgi proxy_http rewrite ssl; do
    if [ ! -e "/etc/apache2/mods-enabled/$module.load" ]; then
      a2enmod -q "$module" >/dev/null
      touch -- "$apache_marker"
      echo "Apache module $module: enabled"
    fi
  done
  apache_stage=$(mktemp -d /etc/apache2/orchestra/stage.XXXXXX)
  trap 'rm -rf -- "$apache_stage"' EXIT
  cp -pr -- "$apache_sites"/. "$apache_stage"/
  # The server's own configuration with Orchestra's live sites swapped for the staged ones (sites-enabled/zz-orchestra.conf
  # includes the live ones: the check reads every other enabled site, but none whose name starts with "z").
  apache_check=$apache_stage/check.apache
  sed "s|^IncludeOptional sites-enabled/\*\.conf|IncludeOptional sites-enabled/[!z]*.conf\nIncludeOptional $apache_stage/*.conf|" /etc/apache2/apache2.conf >"$apache_check"
  grep -qF -- "$apache_stage/*.conf" "$apache_check" || fail "/etc/apache2/apache2.conf has no 'IncludeOptional sites-enabled/*.conf' line"
  include='# Websites managed by Orchestra (last: a name no site claims goes to the default site).
IncludeOptional /etc/apache2/orchestra/sites/*.conf'
  if [ "$(cat -- /etc/apache2/sites-enabled/zz-orchestra.conf 2>/dev/null)" != "$include" ]; then
    printf '%s\n' "$include" >/etc/apache2/sites-enabled/zz-orchestra.conf
    touch -- "$apache_marker"
  fi
}

# apache_commit: the staged sites replace the live ones that differ; one graceful reload if anything changed.
apache_commit() {
  local staged live name refusal
  for staged in "$apache_stage"/*.conf; do
    [ -e "$staged" ] || continue
    name=${staged##*/}
    cmp -s -- "$staged" "$apache_sites/$name" && continue
    cp -p -- "$staged" "$apache_sites/.$name.new"
    mv -f -- "$apache_sites/.$name.new" "$apache_sites/$name"
    touch -- "$apache_marker"
    echo "$name: written"
  done
  for live in "$apache_sites"/*.conf; do
    [ -e "$live" ] || continue
    name=${live##*/}
    [ -e "$apache_stage/$name" ] && continue
    rm -f -- "$live"
    touch -- "$apache_marker"
    echo "$name: removed"
  done
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

# The sites this run changes (their staged file differs from the live one), checked together by apache_site_check;
# beside each, its TLS directory ('' : no https).
apache_candidates=()
apache_candidate_tls=()

# apache_site_save FILE CONTENT TLS_DIR: stages the site's file (the staged copy it replaces kept beside it); a file
# equal to the live one with a loadable certificate is no candidate: nothing to check, nothing to write.
apache_site_save() {
  local file=$1 content=$2 tls=$3
  if [ -f "$apache_stage/$file" ]; then
    [ "$(cat -- "$apache_stage/$file"; printf x)" = "${content}x" ] && apache_tls_test "$tls" >/dev/null && return 0
    cp -p -- "$apache_stage/$file" "$apache_stage/$file.previous"
  fi
  printf '%s' "$content" >"$apache_stage/$file"
  apache_candidates+=("$file")
  apache_candidate_tls+=("$tls")
}

# apache_site_check: ONE apache2 -t of the server's configuration with every candidate in place, plus openssl on each
# https candidate's certificate and key (apache2 -t does not read them, a graceful restart would, and die); only when
# that refuses are they checked one by one, in order, each with the ones accepted before it, so a refused site goes
# back to its live file, the run is FAILURE with the checker's message, and the other sites still apply.
apache_site_check() {
  local i file refusal all=1
  [ "${#apache_candidates[@]}" -gt 0 ] || return 0
  apache_test "$apache_check" >/dev/null || all=0
  for i in "${!apache_candidates[@]}"; do
    [ "$all" = 1 ] || break
    apache_tls_test "${apache_candidate_tls[$i]}" >/dev/null || all=0
  done
  if [ "$all" = 1 ]; then
    for file in "${apache_candidates[@]}"; do
      rm -f -- "$apache_stage/$file.previous"
      echo "$file: accepted by apache2 -t"
    done
    return 0
  fi
  for file in "${apache_candidates[@]}"; do
    mv -f -- "$apache_stage/$file" "$apache_stage/$file.candidate"
    if [ -f "$apache_stage/$file.previous" ]; then mv -f -- "$apache_stage/$file.previous" "$apache_stage/$file"; fi
  done
  for i in "${!apache_candidates[@]}"; do
    file=${apache_candidates[$i]}
    if [ -f "$apache_stage/$file" ]; then cp -p -- "$apache_stage/$file" "$apache_stage/$file.previous"; fi
    mv -f -- "$apache_stage/$file.candidate" "$apache_stage/$file"
    if refusal=$(apache_test "$apache_check") && refusal=$(apache_tls_test "${apache_candidate_tls[$i]}"); then
      rm -f -- "$apache_stage/$file.previous"
      echo "$file: accepted by apache2 -t"
    else
      if [ -f "$apache_stage/$file.previous" ]; then mv -f -- "$apache_stage/$file.previous" "$apache_stage/$file"; else rm -f -- "$apache_stage/$file"; fi
      refusal=${refusal//$apache_stage/$apache_sites}
      echo "error: $file refused by apache2 -t, the live configuration is unchanged: ${refusal//$'\n'/ }" >&2
      exit_code=1
    fi
  done
}

# apache_tls_test DIR: the certificate and key of DIR load ('' : no https).
apache_tls_test() {
  [ -n "$1" ] || return 0
  openssl x509 -noout -in "$1/fullchain.pem" 2>&1 && openssl pkey -noout -in "$1/privkey.pem" 2>&1
}

apache_begin

# ── operation op-'1'?$(touch /tmp/canary) `id`: save Website 3`id` (alice/main)
apache_site_save 'site-3.conf' '# Website main of alice, managed by Orchestra: changes here are overwritten.
<VirtualHost *:80>
    ServerName example.com
    ServerAlias www.example.com
    CustomLog "/var/log/apache2/orchestra/site-3.access.log" "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %O"
    Alias "/.well-known/acme-challenge/" "/var/lib/orchestra/acme/.well-known/acme-challenge/"
    <Directory "/var/lib/orchestra/acme">
        Require all granted
    </Directory>
    Redirect permanent "/old" "https://example.org/new?a=1&b=2"
    ProxyPass "/api" "http://127.0.0.1:3000"
    ProxyPassReverse "/api" "http://127.0.0.1:3000"
    ErrorDocument 404 "/missing.html"
    ProxyPreserveHost On
    # web app blog
    RedirectMatch 301 "^/blog$" "/blog/"
    Alias "/blog/" "/home/alice/webapps/blog/public/"
    <Directory "/home/alice/webapps/blog/public">
        Options +FollowSymLinks -Indexes
        AllowOverride None
        Require all granted
        DirectoryIndex index.php index.html index.htm
        <FilesMatch "\.php$">
            SetHandler "proxy:unix:/run/php/orchestra-webapp-7.sock|fcgi://localhost"
        </FilesMatch>
    </Directory>
    # web app home
    DocumentRoot "/home/alice/webapps/home"
    <Directory "/home/alice/webapps/home">
        Options +FollowSymLinks -Indexes
        AllowOverride None
        Require all granted
        DirectoryIndex index.html index.htm
    </Directory>
</VirtualHost>
' ''

# ── commit ─────────────────────────────────────────────────────────────────
apache_site_check
apache_commit
exit "$exit_code"
