#!/bin/bash
set -euo pipefail
# Orchestra backend postfix-addresses (Address), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# Orchestra's addresses on Postfix: hash maps in /etc/postfix/orchestra. The sections queue their changes; the commit
# merges each changed map once (one pass over the file, whatever the number of changes), then one `postmap` of each
# map that changed, and a reload only when main.cf changed. Pending postmaps and reloads are marker files, so a retry
# after a failure still runs them.
postfix_maps=/etc/postfix/orchestra
mail_state=/var/lib/orchestra/mail
postfix_queue=$(mktemp -d)
trap 'rm -rf -- "$postfix_queue"' EXIT

# ensure_postfix DELIVERY_DOMAIN: the maps exist and main.cf uses them; mail for DELIVERY_DOMAIN goes to Dovecot's LMTP
# and is refused from SMTP clients (only Orchestra's aliases reach it).
ensure_postfix() {
  local delivery=$1 map setting key value
  command -v postmap >/dev/null || fail "Postfix is not installed"
  mkdir -p -- "$postfix_maps" "$mail_state"
  for map in virtual_aliases virtual_domains relay_domains list_transports; do
    [ -e "$postfix_maps/$map" ] || : >"$postfix_maps/$map"
    [ -e "$postfix_maps/$map.db" ] || touch -- "$mail_state/postmap-$map"
  done
  value=$(printf '%s\tREJECT 5.1.1 internal delivery domain\n' "$delivery")
  if [ "$(cat -- "$postfix_maps/internal_domains" 2>/dev/null)" != "$value" ] || [ ! -e "$postfix_maps/internal_domains.db" ]; then
    printf '%s\n' "$value" >"$postfix_maps/internal_domains"
    touch -- "$mail_state/postmap-internal_domains"
  fi
  for setting in \
    "virtual_mailbox_domains=$delivery, hash:$postfix_maps/virtual_domains" \
    "virtual_alias_maps=hash:$postfix_maps/virtual_aliases" \
    "relay_domains=hash:$postfix_maps/relay_domains" \
    "virtual_transport=lmtp:unix:private/dovecot-lmtp"; do
    key=${setting%%=*} value=${setting#*=}
    if [ "$(postconf -h -- "$key")" != "$value" ]; then
      postconf -e -- "$key = $value"
      touch -- "$mail_state/postfix-reload"
      echo "postfix: $key set"
    fi
  done
  # Added before what the server's operator has there, never instead of it.
  postconf_first transport_maps "hash:$postfix_maps/list_transports"
  postconf_first smtpd_recipient_restrictions "check_recipient_access hash:$postfix_maps/internal_domains"
}

# postconf_first KEY ITEM: ITEM is the first of main.cf's list KEY (added when missing, the rest kept in order).
postconf_first() {
  local key=$1 item=$2 current
  current=$(postconf -h -- "$key")
  case "$current" in
    "$item" | "$item, "*) return 0 ;;
  esac
  current=${current//"$item, "/}
  current=${current//"$item"/}
  postconf -e -- "$key = $item${current:+, $current}"
  touch -- "$mail_state/postfix-reload"
  echo "postfix: $key set"
}

# map_unset MAP KEY: queue the removal of a map's line.
map_unset() {
  printf 'unset\t%s\n' "$2" >>"$postfix_queue/$1"
}

# merge_map MAP: applies its queued changes (the last change of a key wins), writes it only if different.
merge_map() {
  local map=$1 file=$postfix_maps/$1 tmp
  [ -e "$postfix_queue/$map" ] || return 0
  tmp=$(mktemp -- "$file.XXXXXX")
  awk -F '\t' -v OFS='\t' '
    FNR == NR && $1 == "set" { value[$2] = $3; delete gone[$2]; next }
    FNR == NR { gone[$2] = 1; delete value[$2]; next }
    { key = $0; sub(/[ \t].*/, "", key) }
    (key in value) && $0 == key OFS value[key] { print; delete value[key]; next }
    (key in value) || (key in gone) { next }
    { print }
    END { for (k in value) print k, value[k] }
  ' "$postfix_queue/$map" "$file" >"$tmp"
  if cmp -s -- "$tmp" "$file"; then
    rm -f -- "$tmp"
  else
    chmod 0644 -- "$tmp"
    mv -f -- "$tmp" "$file"
    touch -- "$mail_state/postmap-$map"
    echo "postfix: $map changed"
  fi
}

# postmap_replacing MAP: builds MAP's index under a temporary name and renames it over the index Postfix has open.
# Postfix's daemons notice a changed table by its index's whole-second mtime or by the index being unlinked; an index
# rewritten in place within the second a daemon opened it is never noticed, and that daemon goes on resolving with the
# old table (an address created then went to the catch-all). A replaced index is always noticed, and no daemon opens
# a half-written one (Postfix's DATABASE_README, "Updating Berkeley DB files safely").
postmap_replacing() {
  local file=$postfix_maps/$1 tmp
  rm -f -- "$file".next.*  # left by a run killed here (runs on a server never overlap)
  tmp=$(mktemp -- "$file.next.XXXXXX")
  cat -- "$file" >"$tmp"
  chmod 0644 -- "$tmp"
  postmap -- "hash:$tmp"
  mv -f -- "$tmp.db" "$file.db"
  rm -f -- "$tmp"
}

# commit_postfix: merge the queued changes, release domains left without addresses, postmap what changed, reload.
commit_postfix() {
  local domain map
  merge_map virtual_aliases
  if [ -e "$postfix_queue/released" ]; then
    while IFS= read -r domain; do
      if ! awk -v d="@$domain" '{ k = $1; if (substr(k, length(k) - length(d) + 1) == d) { found = 1; exit } } END { exit !found }' "$postfix_maps/virtual_aliases"; then
        map_unset virtual_domains "$domain"
        map_unset relay_domains "$domain"
        echo "postfix: domain $domain has no address left"
      fi
    done < <(sort -u -- "$postfix_queue/released")
  fi
  merge_map virtual_domains
  merge_map relay_domains
  merge_map list_transports
  for map in virtual_aliases virtual_domains relay_domains list_transports internal_domains; do
    if [ -e "$mail_state/postmap-$map" ]; then
      postmap_replacing "$map"
      rm -f -- "$mail_state/postmap-$map"
    fi
  done
  if [ -e "$mail_state/postfix-reload" ]; then
    postfix reload
    rm -f -- "$mail_state/postfix-reload"
  fi
}

# map_set MAP KEY VALUE: queue a map's line (replacing the key's line if it has one).
map_set() {
  printf 'set\t%s\t%s\n' "$2" "$3" >>"$postfix_queue/$1"
}

ensure_postfix 'orchestra-mailboxes.invalid'

# ── operation op-901: save Address 51 (info@alice.example) ─────────────────
map_set virtual_aliases 'info@alice.example' 'alice@orchestra-mailboxes.invalid'
map_set 'virtual_domains' 'alice.example' 'final'
map_unset 'relay_domains' 'alice.example'

# ── commit ─────────────────────────────────────────────────────────────────
commit_postfix
exit "$exit_code"
