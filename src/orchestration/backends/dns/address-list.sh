# address_list ADDRESS…: the addresses as a named.conf address list ("192.0.2.1; 2001:db8::1; "), host names
# resolved here (named.conf takes addresses only); fails when a name does not resolve.
address_list() {
  local address list=''
  local -a resolved
  for address in "$@"; do
    if [[ $address =~ ^[0-9.]+$ || $address == *:* ]]; then
      list+="$address; "
    else
      mapfile -t resolved < <(getent ahosts -- "$address" | awk '{ print $1 }' | sort -u)
      [ ${#resolved[@]} -gt 0 ] || fail "server address $address does not resolve"
      list+=$(printf '%s; ' "${resolved[@]}")
    fi
  done
  printf '%s' "$list"
}
