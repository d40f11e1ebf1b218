#!/bin/bash
set -euo pipefail
# Orchestra backend postgresql-users (DatabaseUser), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
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

# pg_drop_role CHECK LIST IN_EACH DROP: removes a role from the whole cluster. CHECK refuses a role that must not go
# (a superuser, the owner of a database), sent with the statements queued before it, so the group runs in order;
# LIST prints the databases holding its objects or privileges (psql -0: a NUL between names); IN_EACH runs in each
# of them (its objects go to that database's owner, its privileges are revoked); DROP drops it.
pg_drop_role() {
  local check=$1 list=$2 in_each=$3 drop=$4 database
  local -a databases=()
  psql_queue "$check"
  psql_run
  # psql ends every database name but the last with a NUL.
  while IFS= read -r -d '' database || [ -n "$database" ]; do
    databases+=("$database")
  done < <(printf '%s\n' "$list" | psql_as_postgres postgres -A -t -0)
  for database in "${databases[@]}"; do
    printf '%s\n' "$in_each" | psql_as_postgres "$database" || fail "psql stopped at the error above (database $database)"
  done
  printf '%s\n' "$drop" | psql_as_postgres postgres || fail "psql stopped at the error above"
}

# ── operation op-602: delete DatabaseUser 22 (alice_old) ───────────────────
pg_drop_role '\echo '\''role alice_old: deleting'\''
DO $orchestra$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '\''alice_old'\'' AND (rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION '\''role % is privileged: Orchestra does not manage it'\'', '\''alice_old'\''; END IF; END$orchestra$;
DO $orchestra$BEGIN IF EXISTS (SELECT FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba WHERE r.rolname = '\''alice_old'\'') THEN RAISE EXCEPTION '\''role % owns a database: the database must be deleted or given another owner first'\'', '\''alice_old'\''; END IF; END$orchestra$;' 'SELECT DISTINCT d.datname FROM pg_shdepend s JOIN pg_database d ON d.oid = s.dbid JOIN pg_roles r ON r.oid = s.refobjid WHERE s.refclassid = '\''pg_authid'\''::regclass AND r.rolname = '\''alice_old'\'' AND d.datallowconn ORDER BY 1;' 'SELECT format('\''REASSIGN OWNED BY %I TO %I'\'', r.rolname, pg_get_userbyid(d.datdba)) FROM pg_roles r, pg_database d WHERE r.rolname = '\''alice_old'\'' AND d.datname = current_database()
\gexec
SELECT '\''DROP OWNED BY "alice_old"'\'' WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = '\''alice_old'\'')
\gexec' 'SELECT '\''DROP ROLE "alice_old"'\'' WHERE EXISTS (SELECT FROM pg_roles WHERE rolname = '\''alice_old'\'')
\gexec
\echo '\''role alice_old: deleted'\'''

# ── commit ─────────────────────────────────────────────────────────────────
psql_run
exit "$exit_code"
