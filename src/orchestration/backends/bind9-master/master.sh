# Bind9 master: Orchestra's zone files and zone blocks, and what named still has to load. "Still to do" is kept on
# disk (reload markers, a reconfig marker), so a retry after a failed run still reloads what an earlier attempt
# wrote, even though it then finds the files unchanged.
master_dir=/etc/bind/orchestra/master
master_conf=/etc/bind/orchestra/master.conf
master_pending=/var/lib/orchestra/bind9-master
mkdir -p "$master_dir/zones" "$master_dir/blocks" "$master_pending/reload"
chmod 755 /etc/bind/orchestra "$master_dir" "$master_dir/zones"

# commit_master: zones added or removed → one `rndc reconfig`; each changed zone → `rndc reload ZONE`, that zone
# only (never the whole server).
commit_master() {
  local marker zone
  if [ -e "$master_pending/reconfig" ]; then
    reconfigure_bind "$master_conf" "$master_dir/blocks"
    rm -f -- "$master_pending/reconfig"
  fi
  for marker in "$master_pending/reload"/*; do
    [ -e "$marker" ] || continue
    zone=${marker##*/}
    if [ -e "$master_dir/blocks/$zone.conf" ]; then
      rndc reload "$zone"
    fi
    rm -f -- "$marker"
  done
}
