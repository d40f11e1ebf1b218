#!/bin/bash
set -euo pipefail
# Orchestra backend acme-certificates (Website), 3 operations. Idempotent: safe to run again.
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

# ACME (RFC 8555) HTTP-01 issuance with curl and openssl, run by root on the web server itself: the account key and
# every site's key are made here and never leave the server. Only metadata is printed: one line per site,
# `orchestra-certificate <website id> ISSUED|KEPT <not-after> <sha256 fingerprint> <issuer>` or
# `orchestra-certificate <website id> FAILED <the ACME error>`.
acme_webroot=/var/lib/orchestra/acme/.well-known/acme-challenge
acme_state=''
acme_key=''
acme_jwk=''
acme_thumbprint=''
acme_kid=''
acme_nonce=''
acme_directory=''
acme_ca_args=()
acme_body=''
acme_location=''
acme_error=''
acme_account_error=''
# The websites whose certificate changed in this run: the web servers serving them reload.
acme_changed=()

acme_b64url() {
  openssl base64 -A | tr '+/' '-_' | tr -d '='
}

# acme_field KEY JSON: the first string value of KEY in JSON (ACME's answers are small and flat enough).
acme_field() {
  local re="\"$1\"[[:space:]]*:[[:space:]]*\"([^\"]*)\""
  [[ $2 =~ $re ]] && printf '%s' "${BASH_REMATCH[1]}"
  return 0
}

# acme_problem JSON: an ACME problem's "type: detail", from the document itself or from its "error" member (an
# authorization's or order's).
acme_problem() {
  local json=$1 re='"error"[[:space:]]*:[[:space:]]*\{([^{}]*)\}'
  [[ $json =~ $re ]] && json=${BASH_REMATCH[1]}
  printf '%s: %s' "$(acme_field type "$json")" "$(acme_field detail "$json")"
}

# acme_header NAME: the value of header NAME in the headers on stdin.
acme_header() {
  awk -v name="$1" 'BEGIN { IGNORECASE = 1 } tolower($1) == tolower(name ":") { sub(/\r$/, "", $2); print $2; exit }'
}

# acme_begin DIRECTORY_URL CONTACT CA_FILE: the directory and the account of this server there (made once, reused).
acme_begin() {
  local url=$1 contact=$2 ca=$3 modulus
  command -v curl >/dev/null || fail "curl is not installed on this server"
  command -v openssl >/dev/null || fail "openssl is not installed on this server"
  [ -z "$ca" ] || acme_ca_args=(--cacert "$ca")
  acme_state=/var/lib/orchestra/acme-account/$(printf '%s' "$url" | sha256sum | cut -c1-16)
  install -d -m 0700 -- /var/lib/orchestra/acme-account "$acme_state"
  install -d -m 0755 -- /var/lib/orchestra/acme /var/lib/orchestra/acme/.well-known "$acme_webroot"
  acme_key=$acme_state/account.key
  if [ ! -s "$acme_key" ]; then
    (umask 077 && openssl genrsa -out "$acme_key" 2048 2>/dev/null)
  fi
  modulus=$(openssl rsa -in "$acme_key" -noout -modulus 2>/dev/null)
  modulus=${modulus#Modulus=}
  local escaped='' i
  for ((i = 0; i < ${#modulus}; i += 2)); do escaped+="\\x${modulus:i:2}"; done
  acme_jwk="{\"e\":\"AQAB\",\"kty\":\"RSA\",\"n\":\"$(printf '%b' "$escaped" | acme_b64url)\"}"
  acme_thumbprint=$(printf '%s' "$acme_jwk" | openssl dgst -sha256 -binary | acme_b64url)
  acme_directory=$(curl -sS --max-time 30 "${acme_ca_args[@]}" -- "$url" 2>&1 | tr -d '\n') || {
    acme_directory=''
    acme_account_error="ACME directory $url unreachable"
    return 0
  }
  local terms=''
  [ -z "$contact" ] || terms=",\"contact\":[\"mailto:$contact\"]"
  if acme_post "$(acme_field newAccount "$acme_directory")" "{\"termsOfServiceAgreed\":true$terms}"; then
    acme_kid=$acme_location
  else
    acme_account_error="account at $url refused: $acme_error"
    acme_directory=''
  fi
}

# acme_post URL PAYLOAD: a JWS-signed POST (an empty PAYLOAD is a POST-as-GET); sets acme_body, acme_location;
# false with acme_error set when the server refused it. A refused nonce is retried, as RFC 8555 §6.5 asks.
acme_post() {
  local url=$1 payload=$2 protected p64 pl64 signature status _
  for _ in 1 2 3 4 5; do
    if [ -z "$acme_nonce" ]; then
      acme_nonce=$(curl -sS --max-time 30 -I "${acme_ca_args[@]}" -- "$(acme_field newNonce "$acme_directory")" | acme_header Replay-Nonce) || true
    fi
    if [ -n "$acme_kid" ]; then
      protected="{\"alg\":\"RS256\",\"kid\":\"$acme_kid\",\"nonce\":\"$acme_nonce\",\"url\":\"$url\"}"
    else
      protected="{\"alg\":\"RS256\",\"jwk\":$acme_jwk,\"nonce\":\"$acme_nonce\",\"url\":\"$url\"}"
    fi
    p64=$(printf '%s' "$protected" | acme_b64url)
    pl64=$(printf '%s' "$payload" | acme_b64url)
    signature=$(printf '%s.%s' "$p64" "$pl64" | openssl dgst -sha256 -sign "$acme_key" | acme_b64url)
    if ! status=$(curl -sS --max-time 60 "${acme_ca_args[@]}" -D "$acme_state/headers" -o "$acme_state/body" -w '%{http_code}' \
      -H 'Content-Type: application/jose+json' --data-binary "{\"protected\":\"$p64\",\"payload\":\"$pl64\",\"signature\":\"$signature\"}" -- "$url" 2>&1); then
      acme_error="$url unreachable: $status"
      return 1
    fi
    acme_nonce=$(acme_header Replay-Nonce <"$acme_state/headers")
    acme_location=$(acme_header Location <"$acme_state/headers")
    acme_body=$(tr -d '\n' <"$acme_state/body")
    [ "$status" -lt 400 ] && return 0
    [[ $acme_body == *badNonce* ]] && continue
    acme_error=$(acme_problem "$acme_body")
    return 1
  done
  acme_error="the ACME server kept refusing nonces"
  return 1
}

# acme_wait URL: polls the order or authorization at URL until it is no longer pending or processing.
acme_wait() {
  local url=$1 status _
  for _ in {1..120}; do
    acme_post "$url" '' || return 1
    status=$(acme_field status "$acme_body")
    [ "$status" = pending ] || [ "$status" = processing ] || return 0
    sleep 1
  done
  acme_error="$url still $status after 2 minutes"
  return 1
}

# acme_authorize URL: answers the authorization's HTTP-01 challenge from the webroot every site serves on port 80.
acme_authorize() {
  local url=$1 rest object token='' challenge='' re='\{([^{}]*)\}' type_re='"type"[[:space:]]*:[[:space:]]*"http-01"'
  acme_post "$url" '' || return 1
  [ "$(acme_field status "$acme_body")" = valid ] && return 0
  rest=$acme_body
  while [[ $rest =~ $re ]]; do
    object=${BASH_REMATCH[1]}
    rest=${rest#*"${BASH_REMATCH[0]}"}
    if [[ $object =~ $type_re ]]; then
      token=$(acme_field token "$object")
      challenge=$(acme_field url "$object")
    fi
  done
  if [[ ! $token =~ ^[A-Za-z0-9_-]+$ ]] || [ -z "$challenge" ]; then
    acme_error="$url offers no usable http-01 challenge"
    return 1
  fi
  printf '%s.%s' "$token" "$acme_thumbprint" >"$acme_webroot/$token"
  chmod 0644 -- "$acme_webroot/$token"
  acme_post "$challenge" '{}' && acme_wait "$url"
  local ok=$?
  rm -f -- "$acme_webroot/$token"
  [ "$ok" = 0 ] || return 1
  [ "$(acme_field status "$acme_body")" = valid ] && return 0
  acme_error=$(acme_problem "$acme_body")
  return 1
}

# acme_issue DIR NAME...: a new key and certificate for NAME... replace the ones in DIR only once both are complete.
acme_issue() {
  local dir=$1 identifiers='' name order finalize authz certificate new
  shift
  [ -n "$acme_directory" ] || { acme_error=$acme_account_error; return 1; }
  for name in "$@"; do identifiers+="${identifiers:+,}{\"type\":\"dns\",\"value\":\"$name\"}"; done
  acme_post "$(acme_field newOrder "$acme_directory")" "{\"identifiers\":[$identifiers]}" || return 1
  order=$acme_location
  finalize=$(acme_field finalize "$acme_body")
  local list_re='"authorizations"[[:space:]]*:[[:space:]]*\[([^]]*)\]'
  [[ $acme_body =~ $list_re ]] || { acme_error="the order has no authorizations"; return 1; }
  while read -r authz; do
    acme_authorize "$authz" || return 1
  done < <(grep -o 'https://[^"]*' <<<"${BASH_REMATCH[1]}")
  install -d -m 0700 -- "$dir"
  new=$(mktemp -d "$dir/.new.XXXXXX")
  (umask 077 && openssl genrsa -out "$new/privkey.pem" 2048 2>/dev/null)
  local san
  san=$(printf 'DNS:%s,' "$@")
  if ! acme_post "$finalize" "{\"csr\":\"$(openssl req -new -key "$new/privkey.pem" -subj "/CN=$1" -addext "subjectAltName=${san%,}" -outform DER | acme_b64url)\"}" ||
    ! acme_wait "$order"; then
    rm -rf -- "$new"
    return 1
  fi
  certificate=$(acme_field certificate "$acme_body")
  if [ "$(acme_field status "$acme_body")" != valid ] || [ -z "$certificate" ] || ! acme_post "$certificate" ''; then
    [ -n "$acme_error" ] || acme_error="the order ended $(acme_field status "$acme_body"): $(acme_problem "$acme_body")"
    rm -rf -- "$new"
    return 1
  fi
  cp -- "$acme_state/body" "$new/fullchain.pem"
  if ! openssl x509 -noout -in "$new/fullchain.pem" 2>/dev/null; then
    acme_error="the ACME server sent no certificate"
    rm -rf -- "$new"
    return 1
  fi
  printf '%s\n' "$@" >"$new/names"
  mv -f -- "$new/privkey.pem" "$dir/privkey.pem"
  mv -f -- "$new/fullchain.pem" "$dir/fullchain.pem"
  mv -f -- "$new/names" "$dir/names"
  rm -rf -- "$new"
}

# acme_report ID DIR STATE: the metadata line of the certificate in DIR (never the certificate itself).
acme_report() {
  local cert=$2/fullchain.pem not_after fingerprint issuer
  not_after=$(date -u -d "$(openssl x509 -noout -enddate -in "$cert" | cut -d= -f2-)" +%Y-%m-%dT%H:%M:%SZ)
  fingerprint=$(openssl x509 -noout -fingerprint -sha256 -in "$cert" | cut -d= -f2- | tr -d ':')
  issuer=$(openssl x509 -noout -issuer -nameopt RFC2253 -in "$cert" | cut -d= -f2-)
  echo "orchestra-certificate $1 $3 $not_after $fingerprint $issuer"
}

# acme_certificate ID DIR RENEW_DAYS NAME...: DIR holds an issued certificate of NAME... valid for more than
# RENEW_DAYS days, or one is issued now. A failure keeps the certificate DIR had (issued or placeholder).
acme_certificate() {
  local id=$1 dir=$2 days=$3
  shift 3
  if [ -s "$dir/fullchain.pem" ] && [ "$(cat -- "$dir/names" 2>/dev/null)" = "$(printf '%s\n' "$@")" ] &&
    openssl x509 -noout -checkend $((days * 86400)) -in "$dir/fullchain.pem" >/dev/null; then
    acme_report "$id" "$dir" KEPT
    return 0
  fi
  acme_error=''
  if acme_issue "$dir" "$@"; then
    acme_report "$id" "$dir" ISSUED
    acme_changed+=("$id")
  else
    acme_error=${acme_error//$'\n'/ }
    echo "orchestra-certificate $id FAILED $acme_error"
    echo "error: certificate of $* not issued, the previous one is still served: $acme_error" >&2
    exit_code=1
  fi
}

# acme_end: the web servers of this server that serve a site whose certificate changed (its file is among nginx's or
# Apache's Orchestra sites) load the new certificates, one reload each for the whole run; the others are left alone.
acme_end() {
  [ -z "$acme_state" ] || rm -f -- "$acme_state/headers" "$acme_state/body"
  local id nginx=0 apache=0
  for id in "${acme_changed[@]}"; do
    [ -e "$nginx_sites/site-$id.conf" ] && nginx=1
    [ -e "$apache_sites/site-$id.conf" ] && apache=1
  done
  if [ "$nginx" = 1 ]; then
    nginx_begin
    touch -- "$nginx_marker"
    nginx_commit
    rm -rf -- "$nginx_stage" # apache_begin's trap would replace the one that removes it
  fi
  if [ "$apache" = 1 ]; then
    apache_begin
    touch -- "$apache_marker"
    apache_commit
  fi
  return 0
}

acme_begin 'https://acme-v02.api.letsencrypt.org/directory' '' ''

# ── operation op-1403: save Website 3 (alice/main) ─────────────────────────
acme_certificate '3' '/etc/orchestra/tls/site-3' 30 'example.com' 'www.example.com'

# ── operation op-1404: save Website 4 (alice/shop) ─────────────────────────
acme_certificate '4' '/etc/orchestra/tls/site-4' 30 'shop.example.com'

# ── operation op-1405: delete Website 5 (alice/gone) ───────────────────────
rm -rf -- '/etc/orchestra/tls/site-5' || fail 'cannot remove /etc/orchestra/tls/site-5'

# ── commit ─────────────────────────────────────────────────────────────────
acme_end
exit "$exit_code"
