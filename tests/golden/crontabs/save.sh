#!/bin/bash
set -euo pipefail
# Orchestra backend crontabs (Crontab), 1 operation. Idempotent: safe to run again.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
shopt -s inherit_errexit
umask 022
# Steps that must not stop the others, but must still fail the run, record their status here.
exit_code=0

# ── prepare ────────────────────────────────────────────────────────────────
# System accounts (uid below UID_MIN of /etc/login.defs: root, daemon…) never get a crontab from the panel.
uid_min=$(awk '$1 == "UID_MIN" { print $2 }' /etc/login.defs 2>/dev/null || true)
uid_min=${uid_min:-1000}

fail() {
  echo "error: $*" >&2
  exit 1
}

# install_crontab USER LINE…: makes USER's crontab exactly these lines; installs only when it differs.
install_crontab() {
  local user=$1 entry uid have want refusal
  shift
  entry=$(getent passwd -- "$user") || fail "user $user does not exist: its system user must be created first"
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to manage its crontab"
  want=$(printf '%s\n' "$@")
  have=$(crontab -l -u "$user" 2>/dev/null) || have=''
  if [ "$have" = "$want" ]; then
    echo "crontab of $user: up to date"
  # crontab checks the new crontab before it replaces the installed one: refused, the old one stays as it was.
  elif refusal=$(printf '%s\n' "$want" | crontab -u "$user" - 2>&1); then
    echo "crontab of $user: installed"
  else
    fail "crontab of $user: refused by crontab, the installed crontab is unchanged: ${refusal//$'\n'/ }"
  fi
}

# remove_crontab USER: removes USER's crontab if there is one.
remove_crontab() {
  local user=$1 entry uid
  if ! entry=$(getent passwd -- "$user"); then
    echo "crontab of $user: user absent, nothing to remove"
    return 0
  fi
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to manage its crontab"
  if crontab -l -u "$user" >/dev/null 2>&1; then
    crontab -r -u "$user"
    echo "crontab of $user: removed"
  else
    echo "crontab of $user: already absent"
  fi
}

# ── operation op-301: save Crontab 7 (crontab of alice) ────────────────────
# 2 entries.
install_crontab 'alice' \
  '# Crontab of alice, managed by Orchestra from the control panel database.' \
  '# Changes made here are overwritten by the next change or synchronisation.' \
  '# entry 3: Nightly backup' \
  '30 2 * * * /usr/local/bin/backup --all > /dev/null 2>&1' \
  '# entry 7: Application cron' \
  '*/5 * * * mon-fri php ~/web/cron.php'

# ── commit ─────────────────────────────────────────────────────────────────
exit "$exit_code"
