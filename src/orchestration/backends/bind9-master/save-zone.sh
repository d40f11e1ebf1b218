# save_master_zone ZONE SLAVE…: ZONE's file from stdin, checked by named-checkzone and written only when different
# (then the zone is reloaded at commit); its zone block lets the slaves transfer it and notifies them.
save_master_zone() {
  local zone=$1 file checked tmp transfer notify
  shift
  file=$master_dir/zones/$zone.db
  tmp=$(mktemp "$master_dir/zones/.orchestra.XXXXXX")
  cat >"$tmp"
  if ! checked=$(named-checkzone -i local -k fail -n fail -m fail -M fail -S fail -- "$zone" "$tmp" 2>&1); then
    rm -f -- "$tmp"
    fail "zone $zone: refused by named-checkzone, the served zone is unchanged: ${checked//$'\n'/ }"
  fi
  if write_if_changed "$file" <"$tmp"; then
    : >"$master_pending/reload/$zone"
    echo "zone $zone: written"
  else
    echo "zone $zone: up to date"
  fi
  rm -f -- "$tmp"
  transfer=$(address_list "$@")
  notify=$transfer
  [ -n "$transfer" ] || transfer='none; '
  if printf 'zone "%s" {\n\ttype master;\n\tfile "%s";\n\tallow-transfer { %s};\n\talso-notify { %s};\n\tnotify yes;\n};\n' \
    "$zone" "$file" "$transfer" "$notify" | write_if_changed "$master_dir/blocks/$zone.conf"; then
    : >"$master_pending/reconfig"
    echo "zone $zone: configured"
  fi
}
