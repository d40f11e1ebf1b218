#!/bin/bash
set -euo pipefail
# Orchestra backend apache-websites (Website), 3 operations. Idempotent: safe to run again.
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

# Apache as the checker of ../web/site-save.sh: `apache2 -t` of the server's own configuration with Orchestra's sites
# from the include list (apache_begin's check.apache), and openssl on an https site's certificate and key, which
# apache2 -t does not read (a graceful restart would, and die).
site_checker='apache2 -t'
site_include_before='Include '
site_include_after=''

site_test() {
  apache_test "$apache_check"
}

# site_item_test DIR: the certificate and key of DIR load ('' : no https).
site_item_test() {
  [ -n "$1" ] || return 0
  openssl x509 -noout -in "$1/fullchain.pem" 2>&1 && openssl pkey -noout -in "$1/privkey.pem" 2>&1
}

# site_remove FILE: the site goes (the commit removes its live file); one staged earlier in the run goes with it.
site_remove() {
  rm -f -- "${site_stage:?}/$1"
  site_removed[$1]=1
}

# site_tls_placeholder DIR NAME: a https website has a certificate from the start: a self-signed one for NAME until
# one is issued (the web server would refuse its configuration without). An issued one is never replaced here.
site_tls_placeholder() {
  local dir=$1 name=$2
  [ -s "$dir/fullchain.pem" ] && [ -s "$dir/privkey.pem" ] && return 0
  install -d -m 0700 -- "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$name" \
    -keyout "$dir/privkey.pem" -out "$dir/fullchain.pem" 2>/dev/null
  chmod 0600 -- "$dir/privkey.pem"
  echo "certificate of $name: self-signed placeholder until one is issued"
}

apache_begin

# ── operation op-1303: save Website 3 (alice/main) ─────────────────────────
site_tls_placeholder '/etc/orchestra/tls/site-3' 'example.com'
site_save 'site-3.conf' '# Website main of alice, managed by Orchestra: changes here are overwritten.
<VirtualHost *:80>
    ServerName example.com
    ServerAlias www.example.com
    CustomLog "/var/log/apache2/orchestra/site-3.access.log" "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %O"
    Alias "/.well-known/acme-challenge/" "/var/lib/orchestra/acme/.well-known/acme-challenge/"
    <Directory "/var/lib/orchestra/acme">
        Require all granted
    </Directory>
    # ACME challenges of the site'\''s other servers, along the ring of its 3 servers (X-Orchestra-Acme-Forwarded: the hops so far).
    RewriteEngine On
    ProxyPreserveHost On
    RequestHeader set X-Orchestra-Acme-Forwarded "%{orchestra_acme_hops}e" env=orchestra_acme_hops
    RewriteCond "/var/lib/orchestra/acme%{REQUEST_URI}" "!-f"
    RewriteCond "%{HTTP:X-Orchestra-Acme-Forwarded}" "^$"
    RewriteRule "^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "-" [E=orchestra_acme_hops:1]
    RewriteCond "/var/lib/orchestra/acme%{REQUEST_URI}" "!-f"
    RewriteCond "%{HTTP:X-Orchestra-Acme-Forwarded}" "^1$"
    RewriteRule "^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "-" [E=orchestra_acme_hops:2]
    RewriteCond "%{ENV:orchestra_acme_hops}" "!^$"
    RewriteCond "%{SERVER_ADDR}" "=192.0.2.10"
    RewriteRule "^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "http://192.0.2.11:80%{REQUEST_URI}" [P,L]
    RewriteCond "%{ENV:orchestra_acme_hops}" "!^$"
    RewriteCond "%{SERVER_ADDR}" "=192.0.2.11"
    RewriteRule "^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "http://[2001:db8::3]:80%{REQUEST_URI}" [P,L]
    RewriteCond "%{ENV:orchestra_acme_hops}" "!^$"
    RewriteCond "%{SERVER_ADDR}" "=2001:db8::3"
    RewriteRule "^/\.well-known/acme-challenge/[A-Za-z0-9_-]+$" "http://192.0.2.10:80%{REQUEST_URI}" [P,L]
    RewriteEngine On
    RewriteCond "%{REQUEST_URI}" "!^/\.well-known/acme-challenge/"
    RewriteRule "^" "https://%{HTTP_HOST}%{REQUEST_URI}" [R=301,L]
</VirtualHost>
<VirtualHost *:443>
    ServerName example.com
    ServerAlias www.example.com
    CustomLog "/var/log/apache2/orchestra/site-3.access.log" "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %O"
    SSLEngine on
    SSLCertificateFile "/etc/orchestra/tls/site-3/fullchain.pem"
    SSLCertificateKeyFile "/etc/orchestra/tls/site-3/privkey.pem"
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
            SetHandler "proxy:unix:/run/php/orchestra-webapp-7-php8.2.sock|fcgi://localhost"
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
' '/etc/orchestra/tls/site-3'

# ── operation op-1304: save Website 4 (alice/shop) ─────────────────────────
site_tls_placeholder '/etc/orchestra/tls/site-4' 'shop.example.com'
site_save 'site-4.conf' '# Website shop of alice, managed by Orchestra: changes here are overwritten.
<VirtualHost *:80>
    ServerName shop.example.com
    CustomLog "/var/log/apache2/orchestra/site-4.access.log" "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %O"
    Alias "/.well-known/acme-challenge/" "/var/lib/orchestra/acme/.well-known/acme-challenge/"
    <Directory "/var/lib/orchestra/acme">
        Require all granted
    </Directory>
    ErrorDocument 503 "This website is disabled."
    RewriteEngine On
    RewriteCond "%{REQUEST_URI}" "!^/\.well-known/acme-challenge/"
    RewriteRule "^" "-" [R=503,L]
</VirtualHost>
<VirtualHost *:443>
    ServerName shop.example.com
    CustomLog "/var/log/apache2/orchestra/site-4.access.log" "%h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\" %O"
    SSLEngine on
    SSLCertificateFile "/etc/orchestra/tls/site-4/fullchain.pem"
    SSLCertificateKeyFile "/etc/orchestra/tls/site-4/privkey.pem"
    ErrorDocument 503 "This website is disabled."
    RewriteEngine On
    RewriteCond "%{REQUEST_URI}" "!^/\.well-known/acme-challenge/"
    RewriteRule "^" "-" [R=503,L]
</VirtualHost>
' '/etc/orchestra/tls/site-4'

# ── operation op-1305: delete Website 5 (alice/gone) ───────────────────────
site_remove 'site-5.conf'

# ── commit ─────────────────────────────────────────────────────────────────
site_check
apache_commit
exit "$exit_code"
