#!/bin/bash
set -euo pipefail
# Orchestra monitor mailbox-disk (Mailbox), 1 object. Read-only.
# [the common prelude: tests/golden/prelude.sh]

# mailbox_disk: one line per mailbox of this server, `<mailbox name> <bytes>`: the disk its Maildir uses (du, apparent
# sizes of the files: what the mailbox's owner stored, whatever the file system's block size).
mailbox_disk() {
  local users=/etc/dovecot/orchestra/mailboxes root=/var/mail/orchestra file name bytes
  [ -d "$users" ] || return 0
  for file in "$users"/*; do
    [ -f "$file" ] || continue
    name=${file##*/}
    bytes=0
    if [ -d "$root/$name/Maildir" ] && [ ! -L "$root/$name" ]; then
      bytes=$(du -s --bytes -- "$root/$name/Maildir" | cut -f1) || fail "du failed on $root/$name/Maildir"
    fi
    printf '%s %s\n' "$name" "$bytes"
  done
}
# print_by_id NAME ID [NAME ID...]: reads `<mailbox name> <value>` lines on stdin and prints `<id> <value>` for the
# mailboxes named (the resources framework reads object ids; other mailboxes of the server are not this run's).
print_by_id() {
  awk 'BEGIN { for (i = 1; i < ARGC; i += 2) id[ARGV[i]] = ARGV[i + 1]; ARGC = 1 } ($1 in id) { print id[$1], $2 }' "$@"
}
mailbox_disk | print_by_id 'x'\''y"$(touch /tmp/pwned)`id`;
\ü' '13'

exit "$exit_code"
