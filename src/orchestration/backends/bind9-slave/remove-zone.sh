# remove_slave_zone ZONE: ZONE is no longer served from here; its transferred copy goes too.
remove_slave_zone() {
  local zone=$1
  if [ -e "$slave_dir/blocks/$zone.conf" ]; then
    rm -f -- "$slave_dir/blocks/$zone.conf"
    : >"$slave_pending/reconfig"
    echo "zone $zone: removed"
  else
    echo "zone $zone: not served here"
  fi
  rm -f -- "$slave_data/$zone.db" "$slave_data/$zone.db.jnl"
}
