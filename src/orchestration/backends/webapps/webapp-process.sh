# process_save ID PROGRAM COMMAND: a process app's supervisor program file (/etc/supervisor/conf.d/orchestra-webapp-ID.conf)
# and its start script (/etc/orchestra/webapps/webapp-ID.sh, root's: the account's user cannot change how it is
# started) running COMMAND with bash, each rewritten only when it differs. The program file carries a digest of the
# command, so a new command is a changed program, which the update restarts.
process_save() {
  local id=$1 program=$2 start
  start=$(printf '#!/bin/bash\n# Started by supervisor as the app'"'"'s user in its directory. Managed by Orchestra.\nexec bash -c %q' "$3")
  command -v supervisorctl >/dev/null || fail "supervisor is not installed on this server (Debian: apt-get install supervisor)"
  mkdir -p -- /etc/supervisor/conf.d /etc/orchestra/webapps /var/log/orchestra/webapps "${supervisor_marker%/*}"
  process_file "/etc/orchestra/webapps/webapp-$id.sh" 0755 "$start" || true
  process_file "/etc/supervisor/conf.d/orchestra-webapp-$id.conf" 0644 "$program" && touch -- "$supervisor_marker"
  return 0
}

# process_file PATH MODE CONTENT: PATH holds CONTENT (true when it was written).
process_file() {
  if [ -f "$1" ] && [ "$(cat -- "$1")" = "$3" ]; then
    echo "$1: unchanged"
    return 1
  fi
  printf '%s\n' "$3" >"$1.new"
  chmod "$2" -- "$1.new"
  mv -f -- "$1.new" "$1"
  echo "$1: written"
}

# process_remove ID: the app's program goes (the update stops its process) with its start script.
process_remove() {
  local id=$1
  if [ -e "/etc/supervisor/conf.d/orchestra-webapp-$id.conf" ]; then
    rm -f -- "/etc/supervisor/conf.d/orchestra-webapp-$id.conf"
    mkdir -p -- "${supervisor_marker%/*}"
    touch -- "$supervisor_marker"
    echo "supervisor program orchestra-webapp-$id: removed"
  fi
  rm -f -- "/etc/orchestra/webapps/webapp-$id.sh"
}
