#!/bin/bash
set -euo pipefail
# Orchestra backend crontabs (Crontab), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# install_crontab USER LINE…: makes USER's crontab exactly these lines; installs only when it differs.
install_crontab() {
  local user=$1 entry uid have want refusal
  shift
  entry=$(getent passwd -- "$user") || fail "user $user does not exist: its system user must be created first"
  IFS=: read -r _ _ uid _ <<<"$entry"
  (( uid >= uid_min )) || fail "user $user is a system account (uid $uid): refusing to manage its crontab"
  # The lines without the last newline, as `$(crontab -l)` reads the installed crontab (no line is empty or ends in a
  # newline). printf -v and the here-string below: no process for either.
  printf -v want '%s\n' "$@"
  want=${want%$'\n'}
  have=$(crontab -l -u "$user" 2>/dev/null) || have=''
  if [ "$have" = "$want" ]; then
    echo "crontab of $user: up to date"
  # crontab checks the new crontab before it replaces the installed one: refused, the old one stays as it was.
  elif refusal=$(crontab -u "$user" - <<<"$want" 2>&1); then
    echo "crontab of $user: installed"
  else
    fail "crontab of $user: refused by crontab, the installed crontab is unchanged: ${refusal//$'\n'/ }"
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
