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
