# Process apps are programs of supervisor (Debian's `supervisor`: supervisord runs under systemd where there is one,
# on its own elsewhere). A changed program file marks an update pending; the commit runs ONE `supervisorctl update`
# (it starts new programs, restarts changed ones, stops and forgets removed ones) and the mark stays until one
# succeeded, so a failed run's update is done by the next.
supervisor_marker=/var/lib/orchestra/webapps/supervisor-update-pending

# supervisor_update_pending: one `supervisorctl update` if a program changed (now or in a failed run before).
supervisor_update_pending() {
  local out
  [ -e "$supervisor_marker" ] || return 0
  if ! supervisorctl pid >/dev/null 2>&1 && command -v systemctl >/dev/null; then
    systemctl start supervisor 2>/dev/null || true
  fi
  if ! out=$(supervisorctl update 2>&1) || [[ "$out" == *ERROR* ]]; then
    echo "error: supervisorctl update failed, the processes' update stays pending: ${out//$'\n'/ }" >&2
    exit_code=1
    return 0
  fi
  rm -f -- "$supervisor_marker"
  echo "supervisor: updated${out:+ (${out//$'\n'/; })}"
}
