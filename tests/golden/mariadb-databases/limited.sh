#!/bin/bash
set -euo pipefail
# Orchestra backend mariadb-databases (Database), 1 operation. Idempotent: safe to run again.
# [the common prelude: tests/golden/prelude.sh]

# ── prepare ────────────────────────────────────────────────────────────────
# The mariadb backends' statements go to the server's own mariadb client, as root over its local socket (root's
# unix_socket authentication: no password anywhere). Sections queue their statements (already quoted for SQL by the
# backend, then for the shell); mariadb_run sends the queue in ONE session, so a group of a thousand operations is
# one client process, not a thousand.
mariadb_queue_text=''

# mariadb_queue SQL: adds statements to the session mariadb_run sends.
mariadb_queue() {
  mariadb_queue_text+="$1"$'\n'
}

# mariadb_run: sends the queued statements, stopping at the first error, and empties the queue. The session's
# sql_mode is set first (and the client speaks utf8mb4, whatever the locale): the backends' string literals use backslash escapes (no NO_BACKSLASH_ESCAPES), and a GRANT
# must never create a user (NO_AUTO_CREATE_USER).
mariadb_run() {
  [ -n "$mariadb_queue_text" ] || return 0
  command -v mariadb >/dev/null || fail "mariadb is not installed: is this a MariaDB server?"
  local text=$mariadb_queue_text
  mariadb_queue_text=''
  { echo "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION';"; printf '%s' "$text"; } \
    | mariadb --default-character-set=utf8mb4 --batch --skip-column-names --raw || fail "mariadb stopped at the error above"
}

# ── operation op-41: save Database 41 (alice_shop) ─────────────────────────
mariadb_queue 'SELECT '\''database alice_shop: saved, owner alice_a, read-write alice_b'\'';
CREATE DATABASE IF NOT EXISTS `alice_shop`;
DELIMITER ;;
BEGIN NOT ATOMIC
  CREATE OR REPLACE TEMPORARY TABLE mysql.orchestra_stale_grantees AS
    SELECT CONCAT(QUOTE(User), '\''@'\'', QUOTE(Host)) AS grantee FROM mysql.db WHERE Db = '\''alice\\_shop'\'' AND NOT (Host = '\''%'\'' AND User IN ('\''alice_a'\'', '\''alice_b'\''));
  FOR stale IN (SELECT grantee FROM mysql.orchestra_stale_grantees) DO
    EXECUTE IMMEDIATE CONCAT('\''REVOKE GRANT OPTION ON `alice\\_shop`.* FROM '\'', stale.grantee);
    EXECUTE IMMEDIATE CONCAT('\''REVOKE ALL PRIVILEGES ON `alice\\_shop`.* FROM '\'', stale.grantee);
  END FOR;
  DROP TEMPORARY TABLE mysql.orchestra_stale_grantees;
END;;
DELIMITER ;
GRANT ALL PRIVILEGES ON `alice\_shop`.* TO '\''alice_a'\''@'\''%'\'' WITH GRANT OPTION;
GRANT SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, SHOW VIEW ON `alice\_shop`.* TO '\''alice_b'\''@'\''%'\'';
REVOKE CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY, GRANT OPTION ON `alice\_shop`.* FROM '\''alice_b'\''@'\''%'\'';
REVOKE INSERT, UPDATE, CREATE ON `alice\_shop`.* FROM '\''alice_a'\''@'\''%'\'';
REVOKE INSERT, UPDATE, CREATE ON `alice\_shop`.* FROM '\''alice_b'\''@'\''%'\'';
SELECT '\''database alice_shop: over its allocation, INSERT, UPDATE and CREATE revoked'\'';'

# ── commit ─────────────────────────────────────────────────────────────────
mariadb_run
exit "$exit_code"
