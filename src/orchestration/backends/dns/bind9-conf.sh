# Bind9 on a Debian server: Orchestra's zone blocks live in a file of their own that named.conf.local includes, built
# from one block file per zone, so Orchestra never edits blocks an operator wrote.
named_conf_local=/etc/bind/named.conf.local

# reconfigure_bind CONF BLOCK_DIR: CONF becomes every block of BLOCK_DIR, named.conf.local includes it, the whole
# configuration is checked, and named loads the zones added and drops the ones removed (`rndc reconfig`: zones
# already loaded are not reloaded).
reconfigure_bind() {
  local conf=$1 blocks=$2 block
  {
    echo "// Written by Orchestra from $blocks: changes made here are overwritten."
    for block in "$blocks"/*.conf; do
      [ -e "$block" ] && cat -- "$block"
    done
  } | write_if_changed "$conf" || true
  if ! grep -qxF "include \"$conf\";" "$named_conf_local"; then
    printf 'include "%s";\n' "$conf" >>"$named_conf_local"
  fi
  named-checkconf || fail "named-checkconf refuses the configuration: named was not reconfigured"
  rndc reconfig
  echo "named: reconfigured"
}
