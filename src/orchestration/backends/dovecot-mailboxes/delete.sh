# delete_mailbox NAME TRASH: the user goes first (no more login or delivery), then its mail: moved under TRASH
# (kept for the operator) when TRASH is set, else removed.
delete_mailbox() {
  local name=$1 trash=$2 home=$mail_root/$1 target
  [ ! -L "$home" ] || fail "$home is a symbolic link: refusing to move or remove it"
  if remove_dovecot_user "$mailbox_users/$name"; then
    echo "mailbox $name: user removed"
  fi
  doveadm kick "$name" >/dev/null 2>&1 || true
  [ -e "$home" ] || [ -L "$home" ] || return 0
  if [ -n "$trash" ]; then
    target="$trash/$name.$(date -u +%Y%m%dT%H%M%SZ)"
    install -d -m 0700 -- "$trash"
    mv -- "$home" "$target"
    echo "mailbox $name: mail moved to $target"
  else
    rm -rf -- "$home"
    echo "mailbox $name: mail removed"
  fi
}
