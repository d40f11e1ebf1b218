# save_slave_zone ZONE MASTER…: ZONE is transferred from the masters and accepts their notifies.
save_slave_zone() {
  local zone=$1 masters
  shift
  if [ $# -eq 0 ]; then
    echo "error: zone $zone: no bind9-master server serves it, so there is nothing to transfer from: skipped" >&2
    exit_code=1
    return 0
  fi
  masters=$(address_list "$@")
  if printf 'zone "%s" {\n\ttype slave;\n\tfile "%s";\n\tmasters { %s};\n\tallow-notify { %s};\n};\n' \
    "$zone" "$slave_data/$zone.db" "$masters" "$masters" | write_if_changed "$slave_dir/blocks/$zone.conf"; then
    : >"$slave_pending/reconfig"
    echo "zone $zone: configured"
  else
    echo "zone $zone: up to date"
  fi
}
