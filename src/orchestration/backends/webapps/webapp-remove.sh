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
