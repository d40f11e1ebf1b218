# remove_master_zone ZONE: ZONE is no longer served from here (its domain is gone, or is now a subdomain whose
# records are in its top domain's zone).
remove_master_zone() {
  local zone=$1
  rm -f -- "$master_pending/reload/$zone"
  if [ -e "$master_dir/blocks/$zone.conf" ] || [ -e "$master_dir/zones/$zone.db" ]; then
    rm -f -- "$master_dir/blocks/$zone.conf" "$master_dir/zones/$zone.db"
    : >"$master_pending/reconfig"
    echo "zone $zone: removed"
  else
    echo "zone $zone: not served here"
  fi
}
