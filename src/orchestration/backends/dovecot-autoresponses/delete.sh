# delete_autoresponder USER: its user and home (with the record of whom it answered) go.
delete_autoresponder() {
  local user=$1 home=$mail_root/$1
  [ ! -L "$home" ] || fail "$home is a symbolic link: refusing to remove it"
  if remove_dovecot_user "$autoresponder_users/$user" || [ -e "$home" ]; then
    rm -rf -- "$home"
    echo "autoresponder $user: removed"
  fi
}
