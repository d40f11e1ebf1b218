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
