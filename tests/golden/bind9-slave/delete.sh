#!/bin/bash
set -euo pipefail
# Orchestra backend bind9-slave (Domain), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# write_if_changed FILE [MODE [OWNER]]: FILE gets stdin, through a temporary file beside it renamed over it (readers
# see the old file or the new one, never a part), and only when different; status 0 when it was written, 1 when it was
# already so. The new file is at least one second newer than the one it replaces: daemons that poll a file tell a
# change by its mtime in whole seconds and its size (Dovecot's passwd-files: a new password hash has the old one's
# length), so a same-size rewrite within the old file's second would never be read. FILE is an absolute path (its
# directory is cut off by bash, not by a dirname process).
write_if_changed() {
  local file=$1 mode=${2:-0644} owner=${3:-} tmp mtimes old new
  tmp=$(mktemp -- "${file%/*}/.orchestra.XXXXXX")
  cat >"$tmp"
  if cmp -s -- "$tmp" "$file"; then
    rm -f -- "$tmp"
    return 1
  fi
  chmod "$mode" -- "$tmp"
  [ -z "$owner" ] || chown "$owner" -- "$tmp"
  # Both mtimes from one stat; it fails when there is no old file.
  if mtimes=$(stat -c %Y -- "$file" "$tmp" 2>/dev/null); then
    { read -r old; read -r new; } <<<"$mtimes"
    (( new > old )) || touch -d "@$(( old + 1 ))" -- "$tmp"
  fi
  mv -f -- "$tmp" "$file"
}
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

# ── operation op-802: delete Domain 1 (example.com) ────────────────────────
# The domain is deleted.
remove_slave_zone 'example.com'

# ── commit ─────────────────────────────────────────────────────────────────
commit_slave
exit "$exit_code"
