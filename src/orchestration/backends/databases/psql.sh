# The postgresql backends' statements go to the server's own psql, as the postgres superuser over its local socket.
# Sections queue their statements (already quoted for SQL by the backend, then for the shell); psql_run sends the
# queue in ONE session, so a group of a thousand operations is one psql process, not a thousand.
psql_queue_text=''

# psql_as_postgres DATABASE [PSQL OPTION…]: psql as the superuser in DATABASE, no psqlrc, stopping at the first
# error; the statements come on stdin. The database name goes through the environment, never parsed as options.
psql_as_postgres() {
  local database=$1
  shift
  command -v psql >/dev/null || fail "psql is not installed: is this a PostgreSQL server?"
  (cd / && runuser -u postgres -- env PGDATABASE="$database" psql -X -q -v ON_ERROR_STOP=1 "$@")
}

# psql_queue SQL: adds statements (and psql meta-commands) to the session psql_run sends.
psql_queue() {
  psql_queue_text+="$1"$'\n'
}

# psql_run: sends the queued statements, connected to the postgres database, and empties the queue.
psql_run() {
  [ -n "$psql_queue_text" ] || return 0
  local text=$psql_queue_text
  psql_queue_text=''
  printf '%s' "$text" | psql_as_postgres postgres || fail "psql stopped at the error above"
}
