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

# ── operation op-601: save DatabaseUser 21 (alice_app) ─────────────────────
psql_queue '\echo '\''role alice_app: saved'\''
DO $orchestra$BEGIN IF EXISTS (SELECT FROM pg_roles WHERE rolname = '\''alice_app'\'' AND (rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION '\''role % is privileged: Orchestra does not manage it'\'', '\''alice_app'\''; END IF; END$orchestra$;
SELECT '\''CREATE ROLE "alice_app"'\'' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '\''alice_app'\'')
\gexec
ALTER ROLE "alice_app" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD '\''SCRAM-SHA-256$4096:BwcHBwcHBwcHBwcHBwcHBw==$yeY4NLaH4KT7QrQbMBqe8q6d4vT9CsSOlZcufhwHdrI=:TcRScCZ8Da4Ft+Ik1hY8aF+0nfeCxqM2MH9CtzZ1Zi4='\'';'

# ── commit ─────────────────────────────────────────────────────────────────
psql_run
exit "$exit_code"
