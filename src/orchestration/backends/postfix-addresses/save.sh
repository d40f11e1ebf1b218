# map_set MAP KEY VALUE: queue a map's line (replacing the key's line if it has one).
map_set() {
  printf 'set\t%s\t%s\n' "$2" "$3" >>"$postfix_queue/$1"
}
