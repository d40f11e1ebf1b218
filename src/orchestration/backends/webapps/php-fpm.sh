# PHP-FPM pools of web apps. A pool replaces the live one only after `php-fpm<version> -t` accepted it; each changed
# version is reloaded once in the commit, and stays pending (a marker file) until a reload succeeded.
php_markers=/var/lib/orchestra/webapps

php_begin() {
  mkdir -p -- "$php_markers"
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
