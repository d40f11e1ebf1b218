#!/bin/bash
set -euo pipefail
# Orchestra monitor mariadb-size (Database), 2 objects. Read-only.
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
measure_sizes 'mariadb' 'SELECT CONCAT(v.id, '\'' '\'', COALESCE(SUM(COALESCE(ts.ALLOCATED_SIZE, t.DATA_LENGTH + t.INDEX_LENGTH)), 0)) FROM (
  SELECT 7 AS id, '\''alice_shop'\'' AS name
  UNION ALL SELECT 8, '\''bob_blog'\''
) v JOIN information_schema.SCHEMATA s ON s.SCHEMA_NAME = v.name
LEFT JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = v.name
LEFT JOIN information_schema.INNODB_SYS_TABLESPACES ts ON ts.NAME = CONCAT(t.TABLE_SCHEMA, '\''/'\'', t.TABLE_NAME)
GROUP BY v.id;'

exit "$exit_code"
