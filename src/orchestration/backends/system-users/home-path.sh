# A home is a normalised path strictly under /home with no symbolic link on the way: a user who owns a parent
# directory must not be able to redirect our chown or rm to another place.
check_home_path() {
  case "$1" in
    /home/?*) ;;
    *) fail "home $1: not under /home" ;;
  esac
  case "$1/" in
    *//* | */./* | */../*) fail "home $1: not a normalised path" ;;
  esac
  # Every component from the home up to /home, tested by a builtin ([ -L ]: a missing one is no link), not realpath.
  local path=$1
  while [ -n "$path" ]; do
    [ ! -L "$path" ] || fail "home $1: a symbolic link is on its path"
    path=${path%/*}
  done
}
