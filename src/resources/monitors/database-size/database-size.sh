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
