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
