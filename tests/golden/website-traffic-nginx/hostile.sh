#!/bin/bash
set -euo pipefail
# Orchestra monitor website-traffic-nginx (Website), 1 object. Read-only.
# [the common prelude: tests/golden/prelude.sh]

# website_traffic LOG_DIR STATE_DIR ID: prints "ID BYTES", the bytes the web server has sent for website ID so far
# (headers included): the sum of the last field of each line of LOG_DIR/site-ID.access.log, the log format both web
# server backends write. A counter, kept in STATE_DIR/site-ID.state (the log's inode, the offset read up to, the total):
# each run reads only the complete lines the log gained since the last, so a request counts once however often it
# runs. Rotation (the log renamed, the server told to reopen it): when the log is a new file, the rest of the old one
# (site-ID.access.log.* with the inode the state remembers: logrotate's .1) is read first, then the new one from its
# start. A log cut in place (copytruncate) is read from its start when it is shorter than where the last run stopped
# (what it held since the last run and the cut is lost: rename-and-reopen loses nothing). No log yet: the total as
# it was.
website_traffic() {
  local id=$1 log state inode=0 offset=0 total=0 file rotated=''
  log=$2/site-$id.access.log
  state=$3/site-$id.state
  [ -d "$3" ] || fail "no directory for the state files $3"
  if [ -f "$state" ]; then
    read -r inode offset total <"$state" || true
    [[ "$inode $offset $total" =~ ^[0-9]+\ [0-9]+\ [0-9]+$ ]] || { echo "website $id: unreadable state $state, counting from zero" >&2; inode=0 offset=0 total=0; }
  fi
  if [ -f "$log" ] && [ "$(stat -c %i -- "$log")" = "$inode" ]; then
    website_traffic_read "$log" "$offset"
  else
    for file in "$log".*; do
      if [ -f "$file" ] && [ "$(stat -c %i -- "$file")" = "$inode" ]; then rotated=$file; fi
    done
    [ -z "$rotated" ] || website_traffic_read "$rotated" "$offset"
    offset=0
    [ ! -f "$log" ] || website_traffic_read "$log" 0
  fi
  inode=0
  [ ! -f "$log" ] || inode=$(stat -c %i -- "$log")
  printf '%s %s %s\n' "$inode" "$offset" "$total" >"$state.new"
  mv -f -- "$state.new" "$state"
  echo "$id $total"
}

# website_traffic_read FILE FROM: adds the last fields of FILE's complete lines after byte FROM to total; sets offset to
# the end of the last complete line (a line the server is still writing is read next time). A FILE shorter than FROM
# was cut: it is read from its start.
website_traffic_read() {
  local file=$1 from=$2 size counted
  size=$(stat -c %s -- "$file")
  (( size >= from )) || from=0
  # awk sees each line's bytes (+1 for its newline); if they add up to more than the bytes given, the last line had no
  # newline yet and is left for the next run.
  counted=$(tail -c "+$(( from + 1 ))" -- "$file" | head -c "$(( size - from ))" | LC_ALL=C awk -v size="$(( size - from ))" '
    { n = ($NF ~ /^[0-9]+$/) ? $NF : 0; bytes += length($0) + 1; sum += n; last = n; lastlen = length($0) }
    END { if (bytes > size) { bytes -= lastlen + 1; sum -= last }; printf "%.0f %.0f\n", bytes, sum }')
  offset=$(( from + ${counted% *} ))
  total=$(( total + ${counted#* } ))
}
mkdir -p -- '/var/lib/orchestra/monitors/website-traffic/nginx'
website_traffic '23x'\''y"$(touch /tmp/pwned)`id`;
\ü' '/var/log/nginx/orchestra' '/var/lib/orchestra/monitors/website-traffic/nginx'

exit "$exit_code"
