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
