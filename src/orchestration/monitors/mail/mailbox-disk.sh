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
