#!/bin/bash
set -euo pipefail
# Orchestra backend mailman-lists (MailingList), 1 operation. Idempotent: safe to run again.
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

# Orchestra's mailing lists on Mailman 3, through its REST API on this server (curl to the address and with the
# administrator Mailman's own configuration names), and on Postfix through ../postfix-addresses/postfix.sh's maps.
# Owners' passwords are queued and set at commit in ONE `mailman shell` session (Mailman's REST API takes only clear
# passwords; Orchestra has only hashes).
mailman_cfg=/etc/mailman3/mailman.cfg
mailman_work=$(mktemp -d)
trap 'rm -rf -- "$postfix_queue" "$mailman_work"' EXIT

# mailman_setting SECTION KEY DEFAULT: a value of Mailman's configuration file (the default when it has none).
mailman_setting() {
  local value
  value=$(awk -v section="[$1]" -v key="$2" '
    /^[ \t]*\[/ { current = $0; gsub(/[ \t]/, "", current); next }
    current == section && index($0, key) == 1 {
      rest = substr($0, length(key) + 1)
      if (rest ~ /^[ \t]*[:=]/) { sub(/^[ \t]*[:=][ \t]*/, "", rest); sub(/[ \t\r]+$/, "", rest); print rest; exit }
    }
  ' "$mailman_cfg")
  printf '%s\n' "${value:-$3}"
}

# ensure_mailman: Mailman is installed and configured; sets mailman_url and writes curl's credentials into a private
# file (never on a command line).
ensure_mailman() {
  local user pass
  command -v mailman >/dev/null || fail "Mailman 3 is not installed"
  [ -r "$mailman_cfg" ] || fail "no $mailman_cfg"
  mailman_url="http://$(mailman_setting webservice hostname localhost):$(mailman_setting webservice port 8001)/3.1"
  user=$(mailman_setting webservice admin_user restadmin)
  pass=$(mailman_setting webservice admin_pass '')
  [ -n "$pass" ] || fail "$mailman_cfg has no [webservice] admin_pass"
  user=${user//\\/\\\\} pass=${pass//\\/\\\\}
  (umask 077 && printf 'user = "%s:%s"\n' "${user//\"/\\\"}" "${pass//\"/\\\"}" >"$mailman_work/curl.conf")
}

# mailman_api METHOD PATH [FIELD=VALUE...]: one REST request (fields form-encoded); prints the HTTP status, leaves
# the answer in $mailman_work/body. A server that cannot be reached fails the run (Mailman down: retried later).
mailman_api() {
  local method=$1 path=$2 field
  local args=(-sS --max-time 60 -K "$mailman_work/curl.conf" -o "$mailman_work/body" -w '%{http_code}' -X "$method")
  shift 2
  for field in "$@"; do args+=(--data-urlencode "$field"); done
  curl "${args[@]}" -- "$mailman_url$path" || fail "Mailman's REST API at $mailman_url did not answer $method $path"
}

# mailman_expect CODES METHOD PATH [FIELD=VALUE...]: the request, failing unless its status is one of CODES (a|b).
mailman_expect() {
  local codes=$1 code
  shift
  code=$(mailman_api "$@")
  [[ "|$codes|" == *"|$code|"* ]] || fail "Mailman answered $code to $1 $2: $(head -c 500 -- "$mailman_work/body")"
  printf '%s\n' "$code"
}

# json_lines EXPR: evaluates EXPR (Python, over `data`) on the last answer; prints each resulting row tab-separated.
json_lines() {
  python3 -c '
import json, sys
data = json.load(open(sys.argv[1]))
for row in eval(sys.argv[2], {"data": data}):
    print("\t".join(str(v) for v in row))
' "$mailman_work/body" "$1"
}

# save_list ADDRESS ADMIN_EMAIL PASSWORD_HASH active|disabled LIST_ADDRESS...: the list on Mailman (its domain, the
# list, its one owner, posting allowed or refused), its owner's password queued, its addresses (the posting address
# and Mailman's own, LIST_ADDRESS...) routed to Mailman's LMTP (`[mta] lmtp_host`, `lmtp_port`).
save_list() {
  local address=$1 admin=$2 hash=$3 state=$4 name=${1%@*} domain=${1#*@} list_id owners email member_id owned='' config want
  local -a wanted
  local lmtp
  shift 4
  lmtp="lmtp:[$(mailman_setting mta lmtp_host 127.0.0.1)]:$(mailman_setting mta lmtp_port 8024)"
  list_id=$name.$domain
  if [ "$(mailman_expect '200|404' GET "/domains/$domain")" = 404 ]; then
    mailman_expect 201 POST /domains "mail_host=$domain" >/dev/null
    echo "mailman: domain $domain created"
  fi
  if [ "$(mailman_expect '200|404' GET "/lists/$list_id")" = 404 ]; then
    mailman_expect 201 POST /lists "fqdn_listname=$address" >/dev/null
    echo "list $address: created"
  fi
  mailman_expect 200 GET "/lists/$list_id/roster/owner" >/dev/null
  owners=$(json_lines '[(e["email"], e["member_id"]) for e in data.get("entries", [])]')
  while IFS=$'\t' read -r email member_id; do
    [ -n "$email" ] || continue
    if [ "$email" = "$admin" ]; then
      owned=yes
    else
      mailman_expect 204 DELETE "/members/$member_id" >/dev/null
      echo "list $address: owner $email removed"
    fi
  done <<<"$owners"
  if [ -z "$owned" ]; then
    mailman_expect 201 POST /members "list_id=$list_id" "subscriber=$admin" role=owner pre_verified=true pre_confirmed=true pre_approved=true >/dev/null
    echo "list $address: owner $admin added"
  fi
  # Disabled: every post is rejected (the sender is told), and the list is not advertised.
  if [ "$state" = active ]; then wanted=(defer hold True); else wanted=(reject reject False); fi
  mailman_expect 200 GET "/lists/$list_id/config" >/dev/null
  config=$(json_lines '[(data["default_member_action"], data["default_nonmember_action"], data["advertised"])]')
  want=$(IFS=$'\t' && printf '%s' "${wanted[*]}")
  if [ "$config" != "$want" ]; then
    mailman_expect 204 PATCH "/lists/$list_id/config" "default_member_action=${wanted[0]}" "default_nonmember_action=${wanted[1]}" \
      "advertised=${wanted[2]}" >/dev/null
    echo "list $address: $state"
  fi
  printf '%s\t%s\n' "$admin" "$hash" >>"$mailman_work/passwords"
  for address in "$@"; do
    map_set virtual_aliases "$address" "$address"
    map_set list_transports "$address" "$lmtp"
  done
}

# commit_mailman: the queued owners' passwords, set in one `mailman shell` session as Mailman's user, each only when
# it differs (the script reads them from its environment: no hash on a command line).
commit_mailman() {
  local output
  [ -s "$mailman_work/passwords" ] || return 0
  output=$(runuser -u list -- env ORCHESTRA_PASSWORDS="$(cat -- "$mailman_work/passwords")" ORCHESTRA_CODE="$mailman_set_passwords" \
    mailman -C "$mailman_cfg" shell <<<'import os; exec(os.environ["ORCHESTRA_CODE"])' 2>&1) || fail "mailman shell failed: $output"
  grep -q 'orchestra: passwords done$' <<<"$output" || fail "setting the owners' passwords failed: $output"
  grep -o 'orchestra: password of .*' <<<"$output" || true
}

mailman_set_passwords='
from zope.component import getUtility
from mailman.interfaces.usermanager import IUserManager
users = getUtility(IUserManager)
for line in os.environ["ORCHESTRA_PASSWORDS"].splitlines():
    email, hashed = line.split("\t")
    user = users.get_user(email) or users.create_user(email)
    if user.password != hashed:
        user.password = hashed
        print("orchestra: password of " + email + " set")
commit()
print("orchestra: passwords done")
'

ensure_postfix 'orchestra-mailboxes.invalid'

ensure_mailman

# ── operation op-1101: save MailingList 61 (news@alice.example) ────────────
save_list 'news@alice.example' 'owner@alice.example' '$6$goldensalt$MFG9vZPr9R4eZqaZH5rKoPIVx8doazu7aOt/ufJs7UFnNkW47C1D4lkgKOSc91/BTTd2/hb4J1Lvq05wKi7W10' 'active' 'news@alice.example' 'news-bounces@alice.example' 'news-confirm@alice.example' 'news-join@alice.example' 'news-leave@alice.example' 'news-owner@alice.example' 'news-request@alice.example' 'news-subscribe@alice.example' 'news-unsubscribe@alice.example'
map_set 'virtual_domains' 'alice.example' 'final'
map_unset 'relay_domains' 'alice.example'

# ── commit ─────────────────────────────────────────────────────────────────
commit_mailman
commit_postfix
exit "$exit_code"
