#!/bin/bash
set -euo pipefail
# Orchestra backend dovecot-mailboxes (Mailbox), 3 operations. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# write_if_changed FILE [MODE [OWNER]]: FILE gets stdin, through a temporary file beside it renamed over it (readers
# see the old file or the new one, never a part), and only when different; status 0 when it was written, 1 when it was
# already so. The new file is at least one second newer than the one it replaces: daemons that poll a file tell a
# change by its mtime in whole seconds and its size (Dovecot's passwd-files: a new password hash has the old one's
# length), so a same-size rewrite within the old file's second would never be read. FILE is an absolute path (its
# directory is cut off by bash, not by a dirname process).
write_if_changed() {
  local file=$1 mode=${2:-0644} owner=${3:-} tmp mtimes old new
  tmp=$(mktemp -- "${file%/*}/.orchestra.XXXXXX")
  cat >"$tmp"
  if cmp -s -- "$tmp" "$file"; then
    rm -f -- "$tmp"
    return 1
  fi
  chmod "$mode" -- "$tmp"
  [ -z "$owner" ] || chown "$owner" -- "$tmp"
  # Both mtimes from one stat; it fails when there is no old file.
  if mtimes=$(stat -c %Y -- "$file" "$tmp" 2>/dev/null); then
    { read -r old; read -r new; } <<<"$mtimes"
    (( new > old )) || touch -d "@$(( old + 1 ))" -- "$tmp"
  fi
  mv -f -- "$tmp" "$file"
}

# Orchestra's mailboxes on Dovecot: one passwd-file per mailbox (passdb and userdb), the Maildirs under
# /var/mail/orchestra owned by the virtual-mail user vmail, Sieve at LMTP delivery, a quota per mailbox (a full
# mailbox is a temporary failure: the sender's server retries).
mail_root=/var/mail/orchestra
mailbox_users=/etc/dovecot/orchestra/mailboxes
autoresponder_users=/etc/dovecot/orchestra/autoresponders
dovecot_conf=/etc/dovecot/conf.d/90-orchestra.conf
mail_state=/var/lib/orchestra/mail

dovecot_written_at=0

# write_dovecot_user FILE LINE: one of Orchestra's passwd-files (write_if_changed, ../write-if-changed.sh), its
# write time kept for dovecot_settle. (A script that only deletes never calls it: shellcheck would call it unreachable.)
# shellcheck disable=SC2317
write_dovecot_user() {
  write_if_changed "$1" 0640 root:dovecot <<<"$2" || return 1
  dovecot_written_at=$(date +%s)
}

# remove_dovecot_user FILE: removes one of Orchestra's passwd-files if it is there (false when it was not), its removal
# time kept for dovecot_settle: until Dovecot's next look, a lookup answers from the file it read. (A script that only
# saves never calls it.)
# shellcheck disable=SC2317
remove_dovecot_user() {
  [ -e "$1" ] || return 1
  rm -f -- "$1"
  dovecot_written_at=$(date +%s)
}

# dovecot_settle: Dovecot looks at a passwd-file at most once a second and answers from what it read until then, so
# a change written (or a file removed) in the second of a lookup shows only in the next second. The run ends after that second: SUCCESS
# means the new password, state or quota is what Dovecot answers.
dovecot_settle() {
  (( dovecot_written_at )) || return 0
  while (( $(date +%s) <= dovecot_written_at )); do sleep 0.1; done
}

# ensure_dovecot: the vmail user, the directories and Orchestra's Dovecot configuration (a reload is marked when it
# changed). Debian's system-user authentication is turned off: a mailbox named like a UNIX user must not log in with
# that user's password or get its home.
ensure_dovecot() {
  local uid conf
  command -v doveadm >/dev/null || fail "Dovecot is not installed (Debian: dovecot-imapd dovecot-lmtpd dovecot-sieve)"
  if ! getent passwd vmail >/dev/null; then
    useradd --system --user-group --home-dir "$mail_root" --no-create-home --shell /usr/sbin/nologin vmail
    echo "user vmail: created"
  fi
  uid=$(id -u vmail)
  mkdir -p -- "$mail_root" "$mailbox_users" "$autoresponder_users" "$mail_state"
  chown vmail:vmail -- "$mail_root"
  chmod 0750 -- "$mail_root"
  chown root:dovecot -- "$mailbox_users" "$autoresponder_users"
  chmod 0750 -- "$mailbox_users" "$autoresponder_users"
  if grep -q '^!include auth-system.conf.ext' /etc/dovecot/conf.d/10-auth.conf 2>/dev/null; then
    sed -i 's/^!include auth-system.conf.ext/#&  (off: Orchestra mailboxes only)/' /etc/dovecot/conf.d/10-auth.conf
    touch -- "$mail_state/dovecot-reload"
  fi
  conf=$(cat <<CONF
# Written by Orchestra (backend dovecot-mailboxes); changes here are overwritten.
mail_uid = vmail
mail_gid = vmail
first_valid_uid = $uid
last_valid_uid = $uid
mail_location = maildir:~/Maildir
auth_username_format = %Ln
quota_full_tempfail = yes
passdb {
  driver = passwd-file
  args = scheme=SHA512-CRYPT $mailbox_users/%n
}
userdb {
  driver = passwd-file
  args = $mailbox_users/%n
  default_fields = home=$mail_root/%n
}
# Autoresponders: delivery-only users (no passdb entry, so no login) whose Sieve script answers and discards.
userdb {
  driver = passwd-file
  args = $autoresponder_users/%n
  default_fields = home=$mail_root/%n
}
mail_plugins = \$mail_plugins quota
protocol lmtp {
  mail_plugins = \$mail_plugins sieve
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
  sieve = file:~/sieve;active=~/.dovecot.sieve
  sieve_extensions = +editheader
}
service lmtp {
  unix_listener /var/spool/postfix/private/dovecot-lmtp {
    mode = 0600
    user = postfix
    group = postfix
  }
}
CONF
)
  if write_if_changed "$dovecot_conf" 0644 root:root <<<"$conf"; then
    touch -- "$mail_state/dovecot-reload"
    echo "dovecot: configuration written"
  fi
}

# reload_dovecot: after a configuration change (marked on the server, so a retry still reloads), once; waits until
# the new configuration answers user lookups.
reload_dovecot() {
  [ -e "$mail_state/dovecot-reload" ] || return 0
  doveconf -n >/dev/null
  doveadm reload
  rm -f -- "$mail_state/dovecot-reload"
  local i
  for (( i = 0; i < 100; i++ )); do
    doveadm service status auth >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "dovecot: reloaded"
}

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

ensure_dovecot
reload_dovecot

# ── operation op-803: save Mailbox 41 (alice) ──────────────────────────────
save_mailbox 'alice' '{SHA512-CRYPT}$6$goldensalt$MFG9vZPr9R4eZqaZH5rKoPIVx8doazu7aOt/ufJs7UFnNkW47C1D4lkgKOSc91/BTTd2/hb4J1Lvq05wKi7W10' 'active' 1073741824 'require ["include"];
include :personal "spam";
include :personal "custom";' 'require ["editheader", "variables"];
if header :is "X-Spam-Flag" "YES" {
  if header :matches "Subject" "*" { set "subject" "${1}"; }
  deleteheader "Subject";
  addheader "Subject" "[SPAM] ${subject}";
}' 'require ["fileinto"];
fileinto "Inbox2";
'

# ── operation op-804: save Mailbox 43 (bob) ────────────────────────────────
save_mailbox 'bob' '{SHA512-CRYPT}$6$goldensalt$MFG9vZPr9R4eZqaZH5rKoPIVx8doazu7aOt/ufJs7UFnNkW47C1D4lkgKOSc91/BTTd2/hb4J1Lvq05wKi7W10' 'disabled' 1073741824 '' '' ''

# ── operation op-805: delete Mailbox 42 (alice.old) ────────────────────────
delete_mailbox 'alice.old' ''

# ── commit ─────────────────────────────────────────────────────────────────
dovecot_settle
exit "$exit_code"
