#!/bin/bash
set -euo pipefail
# Orchestra backend bind9-master (Domain), 1 operation. Idempotent: safe to run again.
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

# ── operation op-602: delete Domain 1 (example.com) ────────────────────────
# The domain is deleted.
remove_master_zone 'example.com'

# ── commit ─────────────────────────────────────────────────────────────────
commit_master
exit "$exit_code"
