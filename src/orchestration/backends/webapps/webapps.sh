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

# webapp_dir USER HOME NAME: the app's directory exists, made as its owner (never root in a user's home).
webapp_dir() {
  local user=$1 home=$2 name=$3 dir
  webapp_home "$user" "$home"
  dir=$home/webapps/$name
  [ ! -L "$dir" ] || fail "$dir is a symbolic link"
  if [ -d "$dir" ]; then
    echo "web app $dir: exists"
  else
    runuser -u "$user" -- mkdir -m 0750 -- "$dir"
    echo "web app $dir: created"
  fi
}

# webapp_link USER HOME NAME TARGET: the app's directory is a symbolic link to HOME/TARGET (made when missing).
webapp_link() {
  local user=$1 home=$2 name=$3 target=$4 link want
  webapp_home "$user" "$home"
  link=$home/webapps/$name
  want=$home/$target
  [ -d "$want" ] || runuser -u "$user" -- mkdir -p -m 0750 -- "$want"
  if [ -L "$link" ] && [ "$(readlink -- "$link")" = "$want" ]; then
    echo "web app $link -> $want: up to date"
  elif [ -e "$link" ] && [ ! -L "$link" ]; then
    fail "$link exists and is not a symbolic link"
  else
    runuser -u "$user" -- ln -sfnT -- "$want" "$link"
    echo "web app $link -> $want: linked"
  fi
}

# webapp_remove USER HOME NAME: the app's directory (or link) goes, removed as its owner.
webapp_remove() {
  local user=$1 home=$2 name=$3 dir
  check_home_path "$home"
  dir=$home/webapps/$name
  if ! getent passwd -- "$user" >/dev/null; then
    echo "web app $dir: its user is gone"
  elif [ -L "$dir" ]; then
    rm -f -- "$dir"
    echo "web app $dir: link removed"
  elif [ -d "$dir" ]; then
    runuser -u "$user" -- rm -rf --one-file-system -- "$dir"
    echo "web app $dir: removed"
  fi
}
