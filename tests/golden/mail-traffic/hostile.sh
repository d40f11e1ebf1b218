#!/bin/bash
set -euo pipefail
# Orchestra monitor mail-traffic (Mailbox), 1 object. Read-only.
# [the common prelude: tests/golden/prelude.sh]

# mail_traffic LOG STATE DOMAIN: one line per mailbox, `<mailbox name> <bytes>`: the mail delivered into it this
# month, from Postfix's log (a delivery line `to=<name@DOMAIN>, … status=sent` counts the size its queue manager
# logged for that message). A counter: each run reads only what the log gained since the last (STATE keeps the
# log's inode and offset, the month's totals and the sizes of messages still in the queue), so a message counts
# once however often it runs. Rotation: when LOG is a new file, the rest of the old one (LOG.* with the inode
# STATE remembers: logrotate's LOG.1 or Postfix's own LOG.<date>) is read first. A new month starts from zero.
mail_traffic() {
  local log=$1 state=$2 domain=$3 month inode=0 offset=0 file rotated='' work
  [ -d "${state%/*}" ] || fail "no directory for the state file $state"
  month=$(date +%Y-%m)
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # the path is fixed now, on purpose
  trap "rm -rf -- '$work'" RETURN
  : >"$work/new"
  if [ -f "$state" ]; then
    read -r _ inode offset < <(grep -m1 '^position ' "$state" || echo "position 0 0")
  fi
  # read_from FILE OFFSET: appends FILE's complete lines from OFFSET to the chunk; sets offset to where they end.
  read_from() {
    local size partial
    size=$(stat -c %s -- "$1")
    (( size >= $2 )) || set -- "$1" 0
    tail -c "+$(( $2 + 1 ))" -- "$1" | head -c "$(( size - $2 ))" >"$work/chunk"
    if [ -s "$work/chunk" ] && [ -n "$(tail -c 1 -- "$work/chunk")" ]; then
      partial=$(tail -n 1 -- "$work/chunk" | wc -c)
      truncate -s "-$partial" -- "$work/chunk"
    fi
    cat -- "$work/chunk" >>"$work/new"
    offset=$(( $2 + $(stat -c %s -- "$work/chunk") ))
  }
  if [ -f "$log" ] && [ "$(stat -c %i -- "$log")" = "$inode" ]; then
    read_from "$log" "$offset"
  else
    for file in "$log".*; do
      if [ -f "$file" ] && [ "$(stat -c %i -- "$file")" = "$inode" ]; then rotated=$file; fi
    done
    [ -z "$rotated" ] || read_from "$rotated" "$offset"
    if [ -f "$log" ]; then read_from "$log" 0; else offset=0; fi
  fi
  [ ! -f "$log" ] || inode=$(stat -c %i -- "$log")
  [ -f "$state" ] || : >"$state"
  awk -v month="$month" -v domain="@$domain>" -v position="position $inode $offset" '
    FILENAME == ARGV[1] {
      if ($1 == "month") old = $2
      else if ($1 == "total") total[$2] = $3
      else if ($1 == "size") size[$2] = $3
      next
    }
    !reset { if (old != month) delete total; reset = 1 }
    {
      id = ""
      for (i = 1; i <= NF; i++) if ($i ~ /^[0-9A-Za-z]+:$/) { id = substr($i, 1, length($i) - 1); break }
      if (match($0, / size=[0-9]+,/)) size[id] = substr($0, RSTART + 6, RLENGTH - 7)
      else if ($0 ~ / status=sent / && match($0, / to=<[^>]*>/)) {
        to = substr($0, RSTART + 5, RLENGTH - 5)
        if (substr(to, length(to) - length(domain) + 1) == domain && (id in size)) total[substr(to, 1, length(to) - length(domain))] += size[id]
      }
      else if ($0 ~ /: removed$/) delete size[id]
    }
    END {
      if (!reset && old != month) delete total
      print "month", month; print position
      for (n in total) print "total", n, total[n]
      for (q in size) print "size", q, size[q]
    }
  ' "$state" "$work/new" >"$work/state"
  mv -f -- "$work/state" "$state"
  awk '$1 == "total" { print $2, $3 }' "$state" | sort
}
# print_by_id NAME ID [NAME ID...]: reads `<mailbox name> <value>` lines on stdin and prints `<id> <value>` for the
# mailboxes named (the resources framework reads object ids; other mailboxes of the server are not this run's).
print_by_id() {
  awk 'BEGIN { for (i = 1; i < ARGC; i += 2) id[ARGV[i]] = ARGV[i + 1]; ARGC = 1 } ($1 in id) { print id[$1], $2 }' "$@"
}
mkdir -p -- '/var/lib/orchestra/monitors'
mail_traffic '/var/log/mail.log' '/var/lib/orchestra/monitors/mail-traffic.state' 'orchestra-mailboxes.invalid' | print_by_id 'x'\''y"$(touch /tmp/pwned)`id`;
\ü' '13'

exit "$exit_code"
