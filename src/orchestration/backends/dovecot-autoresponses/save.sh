# save_autoresponder USER SIEVE: the autoresponder's userdb entry (no password: it never logs in), its home and its
# Sieve script (vacation, then discard), compiled here as its user.
save_autoresponder() {
  local user=$1 sieve=$2 home=$mail_root/$1
  if write_dovecot_user "$autoresponder_users/$user" "$user:::::::userdb_quota_rule=*:storage=1M"; then
    echo "autoresponder $user: user written"
  fi
  if [ -L "$home" ] || { [ -e "$home" ] && [ ! -d "$home" ]; }; then fail "$home is not a directory"; fi
  install -d -o vmail -g vmail -m 0700 -- "$home" "$home/sieve"
  if write_if_changed "$home/sieve/autoresponse.sieve" 0600 vmail:vmail <<<"$sieve" || [ ! -e "$home/sieve/autoresponse.svbin" ]; then
    sievec -u "$user" "$home/sieve/autoresponse.sieve"
    echo "autoresponder $user: sieve written and compiled"
  fi
  [ "$(readlink -- "$home/.dovecot.sieve" || true)" = sieve/autoresponse.sieve ] || ln -sfn sieve/autoresponse.sieve "$home/.dovecot.sieve"
}
