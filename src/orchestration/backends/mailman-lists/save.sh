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
