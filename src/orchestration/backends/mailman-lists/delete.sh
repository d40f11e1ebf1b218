# delete_list ADDRESS LIST_ADDRESS...: the list leaves Mailman (its archives and members with it) and Postfix's maps;
# its domain stays on Mailman (other lists may use it) and leaves Postfix when no address of it is left.
delete_list() {
  local address=$1 name=${1%@*} domain=${1#*@}
  shift
  if [ "$(mailman_expect '204|404' DELETE "/lists/$name.$domain")" = 204 ]; then echo "list $address: deleted"; fi
  for address in "$@"; do
    map_unset virtual_aliases "$address"
    map_unset list_transports "$address"
  done
  domain_release "$domain"
}
