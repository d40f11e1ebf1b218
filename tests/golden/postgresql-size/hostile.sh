#!/bin/bash
set -euo pipefail
# Orchestra monitor postgresql-size (Database), 1 object. Read-only.
# [the common prelude: tests/golden/prelude.sh]

# measure_sizes ENGINE SQL: runs the one size query of the run with the server's own client as its superuser over
# the local socket (psql as postgres, mariadb as root), which prints "ID BYTES" per database that exists. The query
# is the monitor's, quoted for SQL by Orchestra and for the shell by the caller.
measure_sizes() {
  local engine=$1 sql=$2
  case "$engine" in
    postgresql)
      command -v psql >/dev/null || fail "psql is not installed: is this a PostgreSQL server?"
      printf '%s\n' "$sql" | (cd / && runuser -u postgres -- env PGDATABASE=postgres psql -X -q -A -t -v ON_ERROR_STOP=1) ;;
    mariadb)
      command -v mariadb >/dev/null || fail "mariadb is not installed: is this a MariaDB server?"
      printf '%s\n' "$sql" | mariadb --default-character-set=utf8mb4 --batch --skip-column-names --raw ;;
    *) fail "unknown engine $engine" ;;
  esac
}
measure_sizes 'postgresql' 'SELECT v.id || '\'' '\'' || pg_database_size(d.oid) FROM (VALUES
  (9::bigint, E'\''x'\'''\''y"$(touch /tmp/pwned)`id`;
\\ü'\'')
) AS v(id, name) JOIN pg_database d ON d.datname = v.name;'

exit "$exit_code"
