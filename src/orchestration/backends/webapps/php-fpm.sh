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
