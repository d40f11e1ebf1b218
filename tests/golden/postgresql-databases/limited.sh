#!/bin/bash
set -euo pipefail
# Orchestra backend postgresql-databases (Database), 1 operation. Idempotent: safe to run again.
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

# ── operation op-41: save Database 41 (alice_shop) ─────────────────────────
psql_queue '\echo '\''database alice_shop: saved, owner alice_a, read-write alice_b'\''
SELECT '\''CREATE DATABASE "alice_shop" OWNER "alice_a"'\'' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '\''alice_shop'\'')
\gexec
SELECT '\''ALTER DATABASE "alice_shop" OWNER TO "alice_a"'\'' FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba
WHERE d.datname = '\''alice_shop'\'' AND r.rolname <> '\''alice_a'\''
\gexec
\connect '\''alice_shop'\''
SELECT format('\''ALTER %s %s OWNER TO %I'\'', o.kind, o.object, '\''alice_a'\'') FROM (
  SELECT CASE c.relkind WHEN '\''v'\'' THEN '\''VIEW'\'' WHEN '\''m'\'' THEN '\''MATERIALIZED VIEW'\'' WHEN '\''S'\'' THEN '\''SEQUENCE'\'' WHEN '\''f'\'' THEN '\''FOREIGN TABLE'\'' ELSE '\''TABLE'\'' END AS kind,
    c.oid::regclass::text AS object, c.relowner AS owner
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('\''r'\'', '\''p'\'', '\''v'\'', '\''m'\'', '\''S'\'', '\''f'\'') AND n.nspname NOT IN ('\''pg_catalog'\'', '\''information_schema'\'') AND n.nspname NOT LIKE '\''pg\_%'\''
    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = '\''pg_class'\''::regclass AND d.objid = c.oid AND d.deptype IN ('\''a'\'', '\''i'\''))
  UNION ALL
  SELECT CASE p.prokind WHEN '\''p'\'' THEN '\''PROCEDURE'\'' WHEN '\''a'\'' THEN '\''AGGREGATE'\'' ELSE '\''FUNCTION'\'' END, p.oid::regprocedure::text, p.proowner
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname NOT IN ('\''pg_catalog'\'', '\''information_schema'\'')
  UNION ALL
  SELECT '\''SCHEMA'\'', quote_ident(n.nspname), n.nspowner FROM pg_namespace n
  WHERE n.nspname NOT IN ('\''pg_catalog'\'', '\''information_schema'\'', '\''public'\'') AND n.nspname NOT LIKE '\''pg\_%'\''
) o JOIN pg_roles r ON r.oid = o.owner WHERE NOT (r.rolsuper OR r.rolname LIKE '\''pg\_%'\'') AND r.rolname <> ALL (ARRAY['\''alice_a'\'', '\''alice_b'\'']::text[])
\gexec
SELECT format('\''REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %1$I; REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %1$I; REVOKE ALL ON SCHEMA public FROM %1$I; ALTER DEFAULT PRIVILEGES FOR ROLE %2$I IN SCHEMA public REVOKE ALL ON TABLES FROM %1$I; ALTER DEFAULT PRIVILEGES FOR ROLE %2$I IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %1$I'\'', r.rolname, '\''alice_a'\'')
FROM pg_roles r WHERE NOT (r.rolsuper OR r.rolname LIKE '\''pg\_%'\'') AND r.rolname <> ALL (ARRAY['\''alice_a'\'', '\''alice_b'\'']::text[]) AND EXISTS (SELECT FROM pg_shdepend s
  WHERE s.refclassid = '\''pg_authid'\''::regclass AND s.refobjid = r.oid AND s.deptype = '\''a'\''
  AND s.dbid = (SELECT oid FROM pg_database WHERE datname = current_database()))
\gexec
GRANT USAGE ON SCHEMA public TO "alice_b";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "alice_b";
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO "alice_b";
ALTER DEFAULT PRIVILEGES FOR ROLE "alice_a" IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "alice_b";
ALTER DEFAULT PRIVILEGES FOR ROLE "alice_a" IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO "alice_b";
REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA public FROM "alice_a", "alice_b";
REVOKE CREATE ON SCHEMA public FROM pg_database_owner, "alice_a", "alice_b";
REVOKE CREATE ON DATABASE "alice_shop" FROM "alice_a", "alice_b";
\echo '\''database alice_shop: over its allocation, INSERT, UPDATE and CREATE revoked'\''
\connect postgres
REVOKE ALL ON DATABASE "alice_shop" FROM PUBLIC;
SELECT format('\''REVOKE ALL ON DATABASE %I FROM %I'\'', '\''alice_shop'\'', r.rolname) FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee
WHERE d.datname = '\''alice_shop'\'' AND r.oid <> d.datdba AND NOT (r.rolsuper OR r.rolname LIKE '\''pg\_%'\'') AND r.rolname <> ALL (ARRAY['\''alice_a'\'', '\''alice_b'\'']::text[]) GROUP BY r.rolname
\gexec
GRANT CONNECT, TEMPORARY ON DATABASE "alice_shop" TO "alice_b";'

# ── commit ─────────────────────────────────────────────────────────────────
psql_run
exit "$exit_code"
