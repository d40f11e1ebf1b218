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
