# Bind9 slave: Orchestra's zone blocks (named transfers the zones itself, into slave_data). A pending reconfig is
# kept on disk, so a retry after a failed run still reconfigures.
slave_dir=/etc/bind/orchestra/slave
slave_conf=/etc/bind/orchestra/slave.conf
slave_data=/var/lib/bind/orchestra
slave_pending=/var/lib/orchestra/bind9-slave
mkdir -p "$slave_dir/blocks" "$slave_data" "$slave_pending"
chmod 755 /etc/bind/orchestra "$slave_dir"
chown bind:bind "$slave_data"

# commit_slave: one `rndc reconfig` when zones were added, changed or removed.
commit_slave() {
  if [ -e "$slave_pending/reconfig" ]; then
    reconfigure_bind "$slave_conf" "$slave_dir/blocks"
    rm -f -- "$slave_pending/reconfig"
  fi
}
