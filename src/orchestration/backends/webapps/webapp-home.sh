# webapp_owner USER: the app's owner exists and is not a system account; the web server's user joins its group.
webapp_owner() {
  local user=$1 entry uid
  entry=$(getent passwd -- "$user") || fail "user $user does not exist: the account's main system user must be created first"
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to host web apps for it"
  if ! id -nG www-data | tr ' ' '\n' | grep -qxF -- "$user"; then
    gpasswd -a www-data "$user" >/dev/null
    echo "www-data joined the group $user"
  fi
}

# webapp_home USER HOME: HOME is a checked home of USER, and ~/webapps a directory of theirs (made as the user).
webapp_home() {
  local user=$1 home=$2
  check_home_path "$home"
  webapp_owner "$user"
  [ -d "$home" ] || fail "home $home does not exist"
  [ ! -L "$home/webapps" ] || fail "$home/webapps is a symbolic link"
  runuser -u "$user" -- mkdir -p -m 0750 -- "$home/webapps"
}
