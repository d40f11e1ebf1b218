#!/bin/bash
set -euo pipefail
# Orchestra monitor system-user-disk (SystemUser), 1 object. Read-only.
# [the common prelude: tests/golden/prelude.sh]

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
# measure_home ID HOME: prints "ID BYTES", the apparent size of the home (du -sb, one file system), read at the lowest
# CPU and I/O priority and stopped after du_timeout seconds. A home that is missing or not a plain directory prints
# nothing (the object then has no sample this run); a du that fails or times out says so on stderr and fails the run
# (the other homes are still measured).
du_timeout=${du_timeout:-600}
low_priority=(nice -n 19)
if command -v ionice >/dev/null; then low_priority+=(ionice -c 3); fi

measure_home() {
  local id=$1 home=$2 size
  check_home_path "$home"
  if [ ! -d "$home" ] || [ -L "$home" ]; then
    echo "home $home: missing" >&2
    return 0
  fi
  if ! size=$(timeout "$du_timeout" "${low_priority[@]}" du -sbx -- "$home" 2>/dev/null | cut -f1) || [ -z "$size" ]; then
    echo "home $home: du failed or timed out" >&2
    exit_code=1
    return 0
  fi
  echo "$id $size"
}
measure_home '44' '/home/a$(id)`x`'

exit "$exit_code"
