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
# address_list ADDRESS…: the addresses as a named.conf address list ("192.0.2.1; 2001:db8::1; "), host names
# resolved here (named.conf takes addresses only); fails when a name does not resolve.
address_list() {
  local address list=''
  local -a resolved
  for address in "$@"; do
    if [[ $address =~ ^[0-9.]+$ || $address == *:* ]]; then
      list+="$address; "
    else
      mapfile -t resolved < <(getent ahosts -- "$address" | awk '{ print $1 }' | sort -u)
      [ ${#resolved[@]} -gt 0 ] || fail "server address $address does not resolve"
      list+=$(printf '%s; ' "${resolved[@]}")
    fi
  done
  printf '%s' "$list"
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

# ── operation op-601: save Domain 1 (example.com) ──────────────────────────
# zone example.com, serial 2026112901, 11 records, 1 slave.
printf '%s\n' \
  '$TTL 3600' \
  'example.com. 3600 IN SOA ns1.example.net. hostmaster.example.com. 2026112901 86400 7200 2419200 3600' \
  'example.com. 3600 IN A 192.0.2.10' \
  'example.com. 300 IN AAAA 2001:db8::10' \
  'example.com. 3600 IN MX 10 mail.example.com.' \
  'example.com. 3600 IN NS ns1.example.net.' \
  'example.com. 3600 IN NS ns2.example.net.' \
  'example.com. 3600 IN TXT "v=spf1 mx -all"' \
  'example.com. 3600 IN CAA 0 issue "letsencrypt.org"' \
  '_sip._tcp.example.com. 3600 IN SRV 10 5 5060 sip.example.net.' \
  'mail.example.com. 3600 IN A 192.0.2.25' \
  'www.example.com. 3600 IN CNAME example.com.' \
  '*.example.com. 3600 IN A 192.0.2.10' \
  | save_master_zone 'example.com' '192.0.2.53'

# ── commit ─────────────────────────────────────────────────────────────────
commit_master
exit "$exit_code"
