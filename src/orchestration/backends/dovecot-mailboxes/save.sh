sieve_changed=0

# save_sieve NAME FILE CONTENT: one Sieve script of the mailbox (~/sieve/FILE.sieve); CONTENT '' removes it. Sets
# sieve_changed when it changed something.
save_sieve() {
  local name=$1 file=$2 content=$3 dir=$mail_root/$1/sieve
  if [ -z "$content" ]; then
    if [ -e "$dir/$file.sieve" ]; then rm -f -- "$dir/$file.sieve" "$dir/$file.svbin"; sieve_changed=1; echo "mailbox $name: sieve $file removed"; fi
    return 0
  fi
  if write_if_changed "$dir/$file.sieve" 0600 vmail:vmail <<<"$content"; then sieve_changed=1; echo "mailbox $name: sieve $file written"; fi
}

# save_mailbox NAME HASH STATE QUOTA_BYTES MAIN_SIEVE SPAM_SIEVE CUSTOM_SIEVE
#   HASH: {SHA512-CRYPT}$6$…; STATE: active or disabled (login refused, mail still delivered); the Sieve texts may be
#   '' (none). The passwd-file line holds the quota; the scripts are compiled here, as the mailbox's user, so a
#   script Dovecot would refuse fails this run instead of every delivery.
save_mailbox() {
  local name=$1 hash=$2 state=$3 quota=$4 main=$5 spam=$6 custom=$7 home=$mail_root/$1 line
  line="$name:$hash::::::userdb_quota_rule=*:storage=${quota}B"
  case "$state" in
    active) ;;
    disabled) line+=" nologin=y reason=mailbox-disabled" ;;
    *) fail "unknown state $state" ;;
  esac
  if [ -L "$home" ] || { [ -e "$home" ] && [ ! -d "$home" ]; }; then fail "$home is not a directory"; fi
  if [ ! -d "$home" ]; then
    install -d -o vmail -g vmail -m 0700 -- "$home"
    echo "mailbox $name: home created"
  fi
  # The user first: sievec compiles as the mailbox's user, which Dovecot must know.
  if write_dovecot_user "$mailbox_users/$name" "$line"; then
    echo "mailbox $name: saved ($state, quota $quota bytes)"
    # Open sessions of a disabled mailbox end now, not at their next login.
    if [ "$state" = disabled ]; then doveadm kick "$name" >/dev/null 2>&1 || true; fi
  else
    echo "mailbox $name: up to date"
  fi
  install -d -o vmail -g vmail -m 0700 -- "$home/sieve"
  sieve_changed=0
  save_sieve "$name" spam "$spam"
  save_sieve "$name" custom "$custom"
  save_sieve "$name" orchestra "$main"
  if [ -n "$main" ]; then
    # The main script includes the others: compiling it checks them all.
    if (( sieve_changed )) || [ ! -e "$home/sieve/orchestra.svbin" ]; then
      sievec -u "$name" "$home/sieve/orchestra.sieve"
      echo "mailbox $name: sieve compiled"
    fi
    [ "$(readlink -- "$home/.dovecot.sieve" || true)" = sieve/orchestra.sieve ] || ln -sfn sieve/orchestra.sieve "$home/.dovecot.sieve"
  elif [ -L "$home/.dovecot.sieve" ]; then
    rm -f -- "$home/.dovecot.sieve"
  fi
}
