# domain_release DOMAIN: after this run's deletes, the domain leaves the domain maps if no address of it is left.
domain_release() {
  printf '%s\n' "$1" >>"$postfix_queue/released"
}
